FROM python:3.12
# slimfix: ignore=SF402
CMD uvicorn main:app --reload
