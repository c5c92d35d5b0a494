FROM python:3.12-slim
CMD gunicorn -b :8000 app:app
