# syntax=docker/dockerfile:1
FROM python:3.12-slim
RUN <<EOF
pip install --no-cache-dir flask
echo "CMD python app.py" > /notes
EOF
COPY <<'EOF' /app.py
print("hi")
EOF
CMD ["python", "/app.py"]
