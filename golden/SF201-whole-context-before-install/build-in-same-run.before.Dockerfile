FROM node:20 AS assets
WORKDIR /assets
COPY . .
RUN npm ci && npm run build
