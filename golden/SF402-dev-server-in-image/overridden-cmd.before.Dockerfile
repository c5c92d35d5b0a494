FROM python:3.12
CMD uvicorn main:app --reload
CMD uvicorn main:app --workers 4
