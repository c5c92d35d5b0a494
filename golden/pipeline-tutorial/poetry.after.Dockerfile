FROM python:3.11-slim
WORKDIR /app
RUN pip install --no-cache-dir poetry==2.5.1
COPY . .
RUN poetry config virtualenvs.create false
RUN poetry install --no-interaction
CMD ["python", "app.py", "1048576"]
