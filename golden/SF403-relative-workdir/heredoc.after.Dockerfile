# syntax=docker/dockerfile:1
FROM python:3.12-slim
RUN <<EOF
mkdir -p app
cd app
EOF
WORKDIR /app
