FROM python:3.12-slim
ENTRYPOINT ["python", "-m", "uvicorn", "main:app", "--port", "80"]
