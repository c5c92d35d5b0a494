FROM debian:bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends build-essential
COPY . /src
RUN make -C /src

FROM debian:bookworm-slim
COPY --from=build /src/app /usr/local/bin/app
RUN apt-get update && apt-get install -y --no-install-recommends libssl3
