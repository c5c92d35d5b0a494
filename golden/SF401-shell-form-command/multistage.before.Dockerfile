FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN go build -o /out/app .
CMD go test ./...

FROM debian:bookworm-slim
COPY --from=build /out/app /usr/local/bin/app
ENTRYPOINT app --listen :8080
