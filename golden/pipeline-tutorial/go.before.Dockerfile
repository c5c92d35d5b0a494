FROM golang:1.22
WORKDIR /go/src/app
COPY . .
RUN go build -o /go/bin/go_service .
EXPOSE 8080
CMD ["go_service"]
