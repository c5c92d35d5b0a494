FROM node:20-alpine
WORKDIR /app
COPY . .
RUN yarn install --frozen-lockfile --production && yarn cache clean
CMD ["node", "index.js"]
