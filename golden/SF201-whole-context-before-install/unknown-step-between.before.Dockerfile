FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN ./scripts/generate-requirements.sh
RUN pip install -r requirements.txt
