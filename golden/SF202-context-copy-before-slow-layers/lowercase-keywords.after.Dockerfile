from alpine:3.19
run apk add --no-cache bash
copy . /app
cmd ["/app/run"]
