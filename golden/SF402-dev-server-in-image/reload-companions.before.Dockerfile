FROM python:3.12-slim
ENTRYPOINT ["python", "-m", "uvicorn", "main:app", "--reload-dir", "src", "--reload", "--port", "80"]
