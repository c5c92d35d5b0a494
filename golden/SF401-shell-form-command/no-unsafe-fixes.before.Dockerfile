FROM python:3.12
CMD gunicorn app:app
