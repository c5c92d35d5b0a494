# syntax=docker/dockerfile:1
FROM alpine:3.20
COPY <<EOF /etc/motd
hello
EOF
COPY app.sh /usr/local/bin/
