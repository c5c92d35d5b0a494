FROM debian:bookworm
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
CMD nginx -g daemon-off
