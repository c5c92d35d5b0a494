FROM python:3.12 AS builder
RUN pip install -r requirements.txt

FROM python:3.12-slim
RUN pip install gunicorn
