# syntax=docker/dockerfile:1.7
# A comment about the image
FROM python:3.12-slim
RUN --mount=type=cache,target=/root/.cache/pip pip install flask
