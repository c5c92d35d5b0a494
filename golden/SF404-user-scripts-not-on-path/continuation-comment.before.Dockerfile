FROM python:3.12-slim
RUN apt-get update \
    && python -m pip install \
    # keep the wheels out of the image
    --no-cache-dir --user \
    -r requirements.txt
RUN celery --version
