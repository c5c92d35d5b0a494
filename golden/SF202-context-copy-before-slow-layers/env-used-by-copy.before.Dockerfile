FROM python:3.12-slim
COPY --chown=${APP_USER:-root} . /app
ENV APP_USER=app
RUN apt-get update && apt-get install -y curl
