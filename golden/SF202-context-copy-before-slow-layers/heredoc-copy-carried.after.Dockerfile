# syntax=docker/dockerfile:1
FROM debian:bookworm
COPY <<EOF /etc/apt/apt.conf.d/99no-recommends
APT::Install-Recommends "false";
EOF
RUN apt-get update && apt-get install -y curl
COPY . /app
