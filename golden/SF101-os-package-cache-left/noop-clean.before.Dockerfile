FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && apt-get clean \
    && rm -rf /var/lib/apt/lists/*
RUN apt-get -qq update && apt-get -qq install -o APT::Install-Recommends=false git && rm -r /var/lib/apt/lists
