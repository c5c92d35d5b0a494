FROM python:3.11-slim
COPY . /app
WORKDIR /app
RUN apt-get update
RUN apt-get install -y gcc libpq-dev
RUN pip install -r requirements.txt
CMD ["python", "app.py"]
