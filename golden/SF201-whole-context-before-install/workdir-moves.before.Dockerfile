FROM python:3.12-slim
WORKDIR /app
COPY . .
WORKDIR /build
RUN pip install --target /build/deps -r /app/requirements.txt
CMD ["python", "/app/app.py"]
