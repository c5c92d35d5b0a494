# syntax=docker/dockerfile:1
FROM python:3.12-slim
COPY <<EOF /app/app.py
from flask import Flask
app = Flask(__name__)
EOF
RUN <<EOF
pip install flask
flask --version
EOF
CMD flask --app /app/app.py run
