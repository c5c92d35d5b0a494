FROM python:3.12-slim
RUN apt-get update \
    # the compiler for the C extensions
    && apt-get install -y --no-install-recommends gcc libpq-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir --user -r requirements.txt
COPY . .
CMD ["python", "app.py"]
