FROM python:3.12
ENTRYPOINT python app.py
CMD ["--port", "80"]
