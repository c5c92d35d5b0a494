FROM python:3.12-slim
ENV FLASK_APP=app.py FLASK_DEBUG=0 FLASK_ENV="production"
env FLASK_RUN_PORT 8000
CMD ["flask", "run"]
