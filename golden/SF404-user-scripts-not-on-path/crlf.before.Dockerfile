FROM python:3.12-slim
RUN pip3 install --user --no-cache-dir gunicorn
# serve the app
CMD gunicorn -b :8000 app:app
