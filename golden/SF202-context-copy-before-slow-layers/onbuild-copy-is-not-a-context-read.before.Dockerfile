FROM python:3.12-slim
ONBUILD COPY . /app
RUN apt-get update && apt-get install -y gcc
