# syntax=docker/dockerfile:1
FROM debian:bookworm
COPY . /app
RUN <<EOF
apt-get update
apt-get install -y curl
EOF
