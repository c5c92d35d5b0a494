FROM debian:bookworm-slim
COPY . /app
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
CMD ["/app/run.sh"]
