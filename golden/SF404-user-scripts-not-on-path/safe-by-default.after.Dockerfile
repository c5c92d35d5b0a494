FROM python:3.12-slim
RUN pip install --user celery
ENV PATH=/root/.local/bin:$PATH
CMD celery -A proj worker
