FROM alpine AS build
RUN echo hi > /out

FROM debian:bookworm
COPY --from=build /out /app/out
RUN apt-get update && apt-get install -y curl
