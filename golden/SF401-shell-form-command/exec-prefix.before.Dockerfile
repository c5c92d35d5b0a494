FROM python:3.12
CMD exec gunicorn app:app
