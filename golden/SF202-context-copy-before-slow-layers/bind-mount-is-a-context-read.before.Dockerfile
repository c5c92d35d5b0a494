# syntax=docker/dockerfile:1
FROM python:3.12-slim
RUN --mount=type=bind,source=requirements.txt,target=/tmp/requirements.txt \
    pip install -r /tmp/requirements.txt
RUN apt-get update && apt-get install -y curl
