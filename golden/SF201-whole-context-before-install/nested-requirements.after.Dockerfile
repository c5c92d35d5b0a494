FROM python:3.12-slim
WORKDIR /srv
COPY requirements.txt ./
COPY requirements/base.txt requirements/pins.txt ./requirements/
RUN pip install -r requirements.txt
COPY ./ ./
CMD ["gunicorn", "app:app"]
