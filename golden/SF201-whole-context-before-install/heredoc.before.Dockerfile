# syntax=docker/dockerfile:1
FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN <<EOT
pip install -r requirements.txt
EOT
