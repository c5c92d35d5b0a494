# syntax=docker/dockerfile:1
FROM python:3.12-slim
RUN <<EOF
set -e
pip install --no-cache-dir -r requirements.txt
EOF
