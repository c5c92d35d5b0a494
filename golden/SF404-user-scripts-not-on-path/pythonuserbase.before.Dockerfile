FROM python:3.12-slim
ENV PYTHONUSERBASE=/opt/py
RUN pip install --user celery
RUN pip install --user flower
CMD celery worker
