FROM python:3.12-alpine3.19
RUN apk add --no-cache build-base postgresql-dev libffi-dev
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
CMD ["python", "app.py"]
