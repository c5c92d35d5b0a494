FROM python:3.12 AS builder
RUN apt-get update && apt-get install gcc
RUN pip install -r requirements.txt

FROM python:3.12-slim
RUN apt-get update \
 && apt-get install -y libpq5
RUN pip install gunicorn && npm ci
