FROM python:3.12-slim
COPY models/weights.bin /models/
COPY serve.py /app/
CMD ["python", "/app/serve.py"]
