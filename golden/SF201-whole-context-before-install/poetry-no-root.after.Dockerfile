FROM python:3.12-slim
ENV POETRY_VIRTUALENVS_CREATE=false
WORKDIR /code
COPY pyproject.toml poetry.lock ./
RUN pip install poetry==1.8.3 && poetry install --no-root --only main --no-interaction
COPY . .
CMD ["python", "-m", "service"]
