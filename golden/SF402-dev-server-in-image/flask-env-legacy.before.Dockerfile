FROM python:3.12-slim
ENV FLASK_DEBUG true
CMD FLASK_ENV=development flask run
