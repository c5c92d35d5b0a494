FROM python:3.12-slim
WORKDIR /code
COPY . .
RUN pip install poetry && poetry install
CMD ["python", "-m", "service"]
