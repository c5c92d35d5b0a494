FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt ./
WORKDIR /build
RUN pip install --target /build/deps -r /app/requirements.txt
COPY . /app
CMD ["python", "/app/app.py"]
