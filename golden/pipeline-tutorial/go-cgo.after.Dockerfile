FROM golang:1.22 AS builder
RUN apt-get update && apt-get install -y --no-install-recommends gcc libsqlite3-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /go/src/app
COPY . .
RUN CGO_ENABLED=1 go build -o /go/bin/go_service .

FROM golang:1.22 AS app
RUN apt-get update && apt-get install -y --no-install-recommends libsqlite3-0 && rm -rf /var/lib/apt/lists/*
WORKDIR /go/src/app
COPY . .
COPY --from=builder /go/bin/go_service /go/bin/go_service
EXPOSE 8080
CMD ["go_service"]
