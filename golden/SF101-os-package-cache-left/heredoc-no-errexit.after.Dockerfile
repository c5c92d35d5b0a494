# syntax=docker/dockerfile:1
FROM alpine:3.20
# without set -e only the last line's status fails the build: the cleanup joins it with &&
RUN <<EOF
apk update
apk add --no-cache git \
    curl && \
    rm -rf /var/cache/apk/*
EOF
RUN bash -eux <<SCRIPT
	apt-get update
	apt-get install -y --no-install-recommends make && rm -rf /var/lib/apt/lists/*
SCRIPT
