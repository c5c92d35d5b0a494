FROM python:3.12-slim
# start the app
# bind on every interface
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
