FROM node:20 AS assets
WORKDIR /assets
COPY . .
RUN npm ci
RUN npm run build

FROM python:3.12-slim
WORKDIR /app
COPY . .
COPY --from=assets /assets/dist ./static
CMD ["python", "app.py"]
