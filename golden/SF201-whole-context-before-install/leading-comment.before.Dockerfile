FROM python:3.12-slim
WORKDIR /app

# the application
COPY . .
RUN pip install -r requirements.txt
CMD ["python", "app.py"]
