FROM node:20-slim
WORKDIR /srv/app
RUN apt-get update && apt-get install -y git
COPY . .
RUN npm ci
CMD ["node", "index.js"]
