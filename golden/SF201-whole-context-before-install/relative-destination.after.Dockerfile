FROM node:20-slim
WORKDIR /srv
COPY package.json package-lock.json web/
WORKDIR web
RUN npm ci
COPY . /srv/web
CMD ["node", "server.js"]
