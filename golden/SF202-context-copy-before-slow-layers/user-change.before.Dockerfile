FROM python:3.12-slim
COPY . /srv/app
RUN useradd --create-home app
USER app
RUN pip install --user flask
CMD ["python", "/srv/app/main.py"]
