FROM python:3.12-slim
RUN useradd --create-home --shell /bin/bash app
USER app
RUN pip install --user gunicorn
CMD ["gunicorn", "app:app"]
