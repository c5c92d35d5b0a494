FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --user -r requirements.txt
COPY . .
CMD ["uvicorn", "main:app", "--host", "0.0.0.0"]
