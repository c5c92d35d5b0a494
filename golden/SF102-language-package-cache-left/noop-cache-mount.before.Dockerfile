# syntax=docker/dockerfile:1
FROM python:3.12-slim
RUN --mount=type=cache,target=/root/.cache pip install flask
RUN --mount=type=cache,target=/home/app/.npm,uid=1000 npm ci
