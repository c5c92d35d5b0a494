FROM python:3.12-slim
CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--reload"]
