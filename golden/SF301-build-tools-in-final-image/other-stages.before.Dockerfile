FROM node:20-slim AS builder
WORKDIR /web
COPY web/ .
RUN npm ci && npm run build

FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir --user -r requirements.txt
COPY --from=builder /web/dist ./static
COPY . .
CMD ["gunicorn", "app:app"]
