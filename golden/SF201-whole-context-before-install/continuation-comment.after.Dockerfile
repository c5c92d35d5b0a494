FROM python:3.12-slim
WORKDIR /app
COPY --chown=1000:1000 requirements.txt ./
RUN pip install -r requirements.txt
COPY --chown=1000:1000 \
# everything, owned by the app user
    . .
