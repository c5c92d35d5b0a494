FROM python:3.12
ENTRYPOINT ["python"]
CMD app.py --port 80
