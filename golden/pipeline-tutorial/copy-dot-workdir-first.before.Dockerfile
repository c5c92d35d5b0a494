FROM python:3.8.0-slim
WORKDIR /app
COPY . .
RUN apt-get update && apt-get install -y gcc
RUN pip install --user -r requirements.txt
ENTRYPOINT uvicorn main:app --host 0.0.0.0 --port 8080
