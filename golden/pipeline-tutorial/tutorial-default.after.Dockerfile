FROM python:3.8.0-slim AS builder
RUN apt-get update \
&& apt-get install gcc -y \
&& apt-get clean \
&& rm -rf /var/lib/apt/lists/*
COPY requirements.txt /app/
WORKDIR /app
RUN pip install --no-cache-dir --user -r requirements.txt

FROM python:3.8.0-slim AS app
WORKDIR /app
COPY --from=builder /root/.local /root/.local
ENV PATH=/root/.local/bin:$PATH
COPY . /app
ENTRYPOINT uvicorn main:app --reload --host 0.0.0.0 --port 8080
