FROM python:3.12-slim AS deps
RUN pip install --user -r requirements.txt
ENV PATH=/root/.local/bin:$PATH

FROM deps AS app
COPY . /app
CMD ["gunicorn", "app:app"]
