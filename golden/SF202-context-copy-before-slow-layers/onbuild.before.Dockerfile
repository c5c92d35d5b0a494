FROM python:3.12-slim
COPY . /app
ONBUILD COPY . /app
ONBUILD RUN pip install -r /app/requirements.txt
RUN apt-get update && apt-get install -y gcc
