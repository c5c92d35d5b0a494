FROM python:3.12-slim
# start the app
CMD gunicorn \
    # bind on every interface
    --bind 0.0.0.0:8000 \
    app:app
