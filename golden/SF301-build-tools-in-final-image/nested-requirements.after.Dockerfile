FROM python:3.12-slim AS builder
RUN apt-get update && apt-get install -y --no-install-recommends gcc \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /srv
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements.txt ./
COPY requirements/base.txt requirements/pins.txt ./requirements/
RUN pip install -r requirements.txt

FROM python:3.12-slim AS app
WORKDIR /srv
COPY --from=builder /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY ./ ./
CMD ["gunicorn", "app:app"]
