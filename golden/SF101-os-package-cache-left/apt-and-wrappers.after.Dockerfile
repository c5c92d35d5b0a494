FROM ubuntu:24.04
RUN DEBIAN_FRONTEND=noninteractive apt update && sudo apt install -y --no-install-recommends tzdata && rm -rf /var/lib/apt/lists/*
