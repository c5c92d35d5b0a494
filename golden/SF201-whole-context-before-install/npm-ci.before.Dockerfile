FROM node:20-slim
WORKDIR /usr/src/app
COPY . .
RUN npm ci --omit=dev
EXPOSE 3000
CMD ["node", "server.js"]
