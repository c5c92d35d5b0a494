FROM golang:1.22 AS build
WORKDIR src/app
COPY . .
RUN go build -o /out/app .

FROM build AS test
WORKDIR internal
RUN go test ./...

FROM scratch
WORKDIR bin
COPY --from=build /out/app app
