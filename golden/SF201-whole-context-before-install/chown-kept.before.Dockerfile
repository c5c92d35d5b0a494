FROM python:3.12-slim
RUN useradd --create-home app
WORKDIR /home/app/site
COPY --chown=app:app --link . .
USER app
RUN pip install --user -r requirements.txt
CMD ["python", "site.py"]
