FROM python:3.11-slim
WORKDIR /app
COPY . .
RUN apt-get update && apt-get install -y build-essential
RUN pip install poetry==2.1.1
RUN poetry config virtualenvs.create false
RUN poetry install --no-interaction --no-root
CMD ["python", "app.py", "1048576"]
