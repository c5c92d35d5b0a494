# An API service.
FROM python:3.12-slim AS builder

# Compilers for the wheels that have none.
RUN apt-get update && apt-get install -y --no-install-recommends gcc \
    && rm -rf /var/lib/apt/lists/*
# All code lives here.
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir --user -r requirements.txt

FROM python:3.12-slim AS app
WORKDIR /app
COPY --from=builder /root/.local /root/.local
ENV PATH=/root/.local/bin:$PATH

# The source comes last.
COPY . .
# Start the server.
CMD ["python", "-m", "api"]
# end of file
