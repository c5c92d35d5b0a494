FROM node:20-slim
WORKDIR /srv
COPY . web
WORKDIR web
RUN npm ci
CMD ["node", "server.js"]
