FROM node:20
WORKDIR /app
RUN npm ci \
 && npm run build
