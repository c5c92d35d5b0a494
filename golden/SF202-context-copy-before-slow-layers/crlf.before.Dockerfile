FROM node:20-slim
WORKDIR /srv/app
COPY . .
RUN apt-get update && apt-get install -y git
RUN npm ci
CMD ["node", "index.js"]
