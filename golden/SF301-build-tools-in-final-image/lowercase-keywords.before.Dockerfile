from python:3.12-slim
run apt-get update && apt-get install -y --no-install-recommends gcc \
    && rm -rf /var/lib/apt/lists/*
workdir /app
copy requirements.txt .
run pip install --no-cache-dir -r requirements.txt
copy . .
cmd ["python", "app.py"]
