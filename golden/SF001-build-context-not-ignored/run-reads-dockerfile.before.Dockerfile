# A RUN reads the Dockerfile from the copied context: it stays in the context.
FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN sha256sum Dockerfile > /recipe.sha256
CMD ["python", "app.py"]
