# syntax=docker/dockerfile:1
FROM python:3.12-slim
RUN echo pip install flask
RUN sh -c 'pip install flask'
