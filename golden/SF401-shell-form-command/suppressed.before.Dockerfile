FROM python:3.12
# slimfix: ignore=SF401
CMD gunicorn app:app
