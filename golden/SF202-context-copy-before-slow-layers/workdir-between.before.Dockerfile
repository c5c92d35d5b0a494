FROM debian:bookworm
COPY . /app
WORKDIR /app
RUN apt-get update && apt-get install -y make
