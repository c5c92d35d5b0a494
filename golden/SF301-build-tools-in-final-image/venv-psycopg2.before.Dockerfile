FROM python:3.11-slim
WORKDIR /app
RUN apt-get update
RUN apt-get install -y gcc libpq-dev
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
EXPOSE 5000
CMD ["python", "app.py"]
