FROM python:3.12-slim
# slimfix: ignore=SF102
RUN pip install flask
