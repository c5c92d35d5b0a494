# syntax=docker/dockerfile:1
FROM python:3.12-slim
ENV UV_NO_CACHE=1
RUN pip install --no-cache-dir flask && uv pip install --system httpx
RUN apk add --no-cache git
RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
