FROM python:3.12-slim
ENV FLASK_APP=app.py FLASK_DEBUG=1 FLASK_ENV="development"
env FLASK_RUN_PORT 8000
CMD ["flask", "--debug", "run"]
