FROM python:3.12-slim AS a
USER 1000
RUN pip install --user gunicorn
CMD ["gunicorn", "app:app"]

FROM mycorp/python
RUN pip install --user celery
CMD ["celery", "worker"]
