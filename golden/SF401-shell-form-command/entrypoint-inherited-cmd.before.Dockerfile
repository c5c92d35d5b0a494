FROM python:3.12 AS base
ENTRYPOINT python app.py

FROM base
CMD --verbose
