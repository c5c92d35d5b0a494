FROM python:3.12-slim
RUN useradd --create-home app
COPY . /srv/app
USER app
RUN pip install --user flask
CMD ["python", "/srv/app/main.py"]
