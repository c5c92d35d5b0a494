# npm install with a lock that records package.json as it is: npm leaves the lock alone, so
# the split is safe.
FROM node:20-slim
WORKDIR /usr/src/app
COPY package.json package-lock.json ./
RUN npm install
COPY . .
EXPOSE 3000
CMD ["node", "server.js"]
