# syntax=docker/dockerfile:1
FROM debian:bookworm-slim
# another interpreter's script, a compound command, a shell given -c, two here-documents:
# reported at most, never edited
RUN <<EOF
#!/usr/bin/env python3
import subprocess
subprocess.run(["apt-get", "install", "-y", "curl"])
EOF
RUN <<EOF
if true; then
  apt-get update && apt-get install -y curl
fi
EOF
RUN sh -c 'apt-get update' <<EOF
apt-get install -y curl
EOF
RUN <<ONE cat <<TWO
apt-get update && apt-get install -y curl
ONE
apt-get install -y wget
TWO
RUN sh <<ONE <<TWO
apt-get update && apt-get install -y curl
ONE
apt-get update && apt-get install -y wget
TWO
RUN <<ONE <<TWO
apt-get update && apt-get install -y curl
ONE
apt-get update && apt-get install -y wget
TWO
RUN <<-EOF
	apt-get update
	apt-get install -y --no-install-recommends git
	EOF
