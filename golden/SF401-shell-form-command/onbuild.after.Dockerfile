FROM python:3.12
ONBUILD COPY . /app
ONBUILD CMD ["gunicorn", "app:app"]
onbuild entrypoint python run.py
