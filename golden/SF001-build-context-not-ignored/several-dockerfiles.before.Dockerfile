# Every Dockerfile and ignore file of the context is left out with the other proposals.
FROM python:3.12-slim
WORKDIR /app
COPY . .
CMD ["python", "app.py"]
