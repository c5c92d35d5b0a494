FROM python:3.12-slim
CMD uvicorn main:app \
    # listen on every interface
    --host 0.0.0.0
