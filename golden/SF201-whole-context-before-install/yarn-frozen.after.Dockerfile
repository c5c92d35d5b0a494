FROM node:20-alpine
WORKDIR /app
COPY package.json yarn.lock .npmrc .yarnrc ./
RUN yarn install --frozen-lockfile --production && yarn cache clean
COPY . .
CMD ["node", "index.js"]
