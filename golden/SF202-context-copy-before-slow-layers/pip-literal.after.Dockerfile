FROM python:3.12-slim
RUN pip install --no-cache-dir gunicorn==21.2.0
COPY . /app
RUN pip install --no-cache-dir -r /app/requirements.txt
CMD ["gunicorn", "app:app"]
