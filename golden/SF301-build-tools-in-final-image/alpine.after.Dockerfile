FROM python:3.12-alpine3.19 AS builder
RUN apk add --no-cache build-base postgresql-dev libffi-dev
WORKDIR /app
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

FROM python:3.12-alpine3.19 AS app
RUN apk add --no-cache libpq libffi
WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY . .
CMD ["python", "app.py"]
