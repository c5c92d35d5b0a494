FROM python:3.12-slim
WORKDIR /srv
COPY app/ ./app/
COPY lib/ ./lib/
CMD ["python", "-m", "app"]
