FROM python:3.12-slim
RUN \
    # dependencies first
    pip install -r requirements.txt && \
    pip install .
