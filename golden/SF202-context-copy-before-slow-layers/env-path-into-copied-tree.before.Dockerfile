FROM debian:bookworm
ENV PATH=/app/bin:$PATH
COPY . /app
RUN apt-get update && apt-get install -y curl
