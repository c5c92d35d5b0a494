FROM python:3.12-slim
# slimfix: ignore=SF103
RUN pip install flask
