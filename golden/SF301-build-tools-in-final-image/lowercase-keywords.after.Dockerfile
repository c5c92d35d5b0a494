from python:3.12-slim as builder
run apt-get update && apt-get install -y --no-install-recommends gcc \
    && rm -rf /var/lib/apt/lists/*
workdir /app
run python -m venv /opt/venv
env PATH=/opt/venv/bin:$PATH
copy requirements.txt .
run pip install --no-cache-dir -r requirements.txt

from python:3.12-slim as app
workdir /app
copy --from=builder /opt/venv /opt/venv
env PATH=/opt/venv/bin:$PATH
copy . .
cmd ["python", "app.py"]
