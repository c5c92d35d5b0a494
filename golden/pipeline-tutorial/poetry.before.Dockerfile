FROM python:3.11-slim
WORKDIR /app
COPY . .
RUN pip install poetry==2.5.1
RUN poetry config virtualenvs.create false
RUN poetry install --no-interaction
CMD ["python", "app.py", "1048576"]
