FROM node:20-slim
WORKDIR /srv
ENTRYPOINT node server.js
