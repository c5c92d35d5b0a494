FROM python:3.12-slim AS base
COPY . /app

FROM base AS dev
ENV FLASK_DEBUG=1
CMD uvicorn main:app --reload

FROM base
CMD uvicorn main:app
