FROM python:3.12-slim
RUN useradd --create-home app
WORKDIR /home/app/site
COPY --chown=app:app --link requirements.txt ./
USER app
RUN pip install --user -r requirements.txt
COPY --chown=app:app --link . .
CMD ["python", "site.py"]
