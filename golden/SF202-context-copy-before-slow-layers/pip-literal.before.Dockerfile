FROM python:3.12-slim
COPY . /app
RUN pip install --no-cache-dir gunicorn==21.2.0
RUN pip install --no-cache-dir -r /app/requirements.txt
CMD ["gunicorn", "app:app"]
