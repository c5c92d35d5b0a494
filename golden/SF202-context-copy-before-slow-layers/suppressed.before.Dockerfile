FROM debian:bookworm
COPY . /app
# slimfix: ignore=SF202
RUN apt-get update && apt-get install -y curl
