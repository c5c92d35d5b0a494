FROM python:3.11-slim
WORKDIR /app
RUN pip install --no-cache-dir poetry==2.5.1
COPY . .
RUN poetry config virtualenvs.create false
RUN poetry install --no-interaction && rm -rf /root/.cache/pypoetry/cache /root/.cache/pypoetry/artifacts
CMD ["python", "app.py", "1048576"]
