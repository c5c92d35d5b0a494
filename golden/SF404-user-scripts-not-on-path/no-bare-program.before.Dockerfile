FROM python:3.12-slim
RUN pip install --user -r requirements.txt
RUN python -m compileall /app
CMD ["python", "-m", "uvicorn", "main:app"]
