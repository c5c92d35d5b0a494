FROM python:3.12-slim
# slimfix: ignore=SF404
RUN pip install --user uvicorn
CMD ["uvicorn", "main:app"]
