# syntax=docker/dockerfile:1
FROM alpine:3.20
# without set -e only the last line's status fails the build: the cleanup joins it with &&
RUN <<EOF
apk update
apk add git \
    curl
EOF
RUN bash -eux <<SCRIPT
	apt-get update
	apt-get install -y make
SCRIPT
