# syntax=docker/dockerfile:1
FROM python:3.12-slim
RUN pip install --user -r /dev/stdin <<EOF
uvicorn==0.30.0
fastapi
EOF
ENV PATH=/root/.local/bin:$PATH
ENTRYPOINT ["uvicorn", "main:app"]
