FROM python:3.12-slim
CMD ["celery", "worker"]
RUN pip install --user celery