FROM python:3.12-slim
CMD gunicorn --reload --reload-extra-file config.yml -b :8000 app:app
