FROM python:3.12 AS builder
RUN pip wheel --wheel-dir /wheels flask && pip install build

FROM python:3.12-slim
COPY --from=builder /wheels /wheels
RUN pip install --no-index --find-links=/wheels flask
