FROM golang:1.22
RUN apt-get update && apt-get install -y gcc libsqlite3-dev
WORKDIR /go/src/app
COPY . .
RUN CGO_ENABLED=1 go build -o /go/bin/go_service .
EXPOSE 8080
CMD ["go_service"]
