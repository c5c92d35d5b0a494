FROM python:3.12-slim
COPY .venv /opt/venv
COPY app.py /app/
ENV PATH=/opt/venv/bin:$PATH
CMD ["python", "/app/app.py"]
