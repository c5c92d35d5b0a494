FROM debian:bookworm-slim

# build tools; versions float on purpose
# hadolint ignore=DL3008
RUN apt-get update && apt-get install -y --no-install-recommends gcc
