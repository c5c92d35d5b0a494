FROM python:3.12-slim
ENV FLASK_APP=app.py
CMD flask run --debug --host=0.0.0.0
