FROM debian:bookworm-slim
# hadolint ignore=DL3008
RUN apt-get update && apt-get install -y curl
