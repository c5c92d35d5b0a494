FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN go build -o /out/app ./cmd/app

FROM debian:bookworm-slim
COPY --from=build /out/app /usr/local/bin/app
COPY static /www/static
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates
ENTRYPOINT ["app"]
