FROM python:3.12-slim
ENV FLASK_DEBUG 0
CMD FLASK_ENV=production flask run
