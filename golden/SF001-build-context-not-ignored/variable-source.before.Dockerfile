FROM python:3.12-slim
ARG SRC=app
COPY $SRC /app
