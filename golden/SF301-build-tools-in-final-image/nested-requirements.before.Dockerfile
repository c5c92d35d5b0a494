FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends gcc \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /srv
COPY requirements.txt ./
COPY requirements/base.txt requirements/pins.txt ./requirements/
RUN pip install -r requirements.txt
COPY ./ ./
CMD ["gunicorn", "app:app"]
