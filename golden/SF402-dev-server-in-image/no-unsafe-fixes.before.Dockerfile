FROM python:3.12
CMD uvicorn main:app --reload
