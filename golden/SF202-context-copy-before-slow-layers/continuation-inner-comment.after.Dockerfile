FROM python:3.12-slim
WORKDIR /app
RUN apt-get update && \
    # build tools for the wheels below
    apt-get install -y --no-install-recommends gcc libpq-dev && \
    rm -rf /var/lib/apt/lists/*
COPY . .
RUN pip install --no-cache-dir -r requirements.txt
CMD ["python", "-m", "app"]
