FROM debian:bookworm
COPY . /app
RUN apt-get update && apt-get install -y gcc && make -C /app
