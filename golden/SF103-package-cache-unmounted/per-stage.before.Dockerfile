FROM python:3.12 AS builder
RUN pip wheel --wheel-dir /wheels -r requirements.txt
RUN pip install build

FROM python:3.12-slim
COPY --from=builder /wheels /wheels
RUN pip install /wheels/*.whl
