FROM python:3.12-slim
WORKDIR /app
# slimfix: ignore=SF201
COPY . .
RUN pip install -r requirements.txt
