FROM python:3.12-slim
RUN pip install --user uvicorn
COPY . /app
ENV PATH="/root/.local/bin:${PATH}"
CMD ["uvicorn", "main:app"]
