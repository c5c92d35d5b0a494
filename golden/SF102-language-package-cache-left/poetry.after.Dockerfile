FROM python:3.11-slim
WORKDIR /app
RUN pip install --no-cache-dir poetry==2.1.3
COPY pyproject.toml poetry.lock ./
RUN poetry config virtualenvs.create false \
    && poetry --directory /app install --no-root --no-interaction \
    && rm -rf /root/.cache/pypoetry/cache /root/.cache/pypoetry/artifacts
COPY . .
RUN poetry add requests && rm -rf /root/.cache/pypoetry/cache /root/.cache/pypoetry/artifacts
CMD ["python", "app.py"]
