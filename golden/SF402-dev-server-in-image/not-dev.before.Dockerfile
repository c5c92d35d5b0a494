FROM python:3.12
ENV FLASK_DEBUG=0 FLASK_ENV=production
CMD flask run --no-debug
