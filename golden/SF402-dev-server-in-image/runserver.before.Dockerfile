FROM python:3.12
COPY . /app
CMD python manage.py runserver 0.0.0.0:8000
