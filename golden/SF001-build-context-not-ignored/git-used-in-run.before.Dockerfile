FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN git rev-parse HEAD > /app/VERSION
CMD ["python", "app.py"]
