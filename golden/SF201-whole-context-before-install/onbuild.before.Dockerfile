FROM python:3.12-slim
WORKDIR /app
ONBUILD COPY . /app
ONBUILD RUN pip install -r requirements.txt
