FROM python:3.12-slim
RUN pip install --user celery
CMD celery -A proj worker
