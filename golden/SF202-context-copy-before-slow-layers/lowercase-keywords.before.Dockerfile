from alpine:3.19
copy . /app
run apk add --no-cache bash
cmd ["/app/run"]
