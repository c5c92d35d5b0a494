FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN go build -o /out/app ./cmd/app

FROM debian:bookworm-slim
COPY --from=build /out/app /usr/local/bin/app
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates
COPY static /www/static
ENTRYPOINT ["app"]
