FROM debian:bookworm
COPY . /app
WORKDIR /app
RUN mkdir -p logs
