FROM python:3.12-slim
COPY requirements.txt constraints.txt /app/
WORKDIR /app
RUN pip install -r requirements.txt -c constraints.txt
COPY . /app/
