FROM python:3.12-slim
ONBUILD RUN pip install --user -r requirements.txt
CMD ["uvicorn", "main:app"]
