# The lock records another range for express: npm install rewrites it, and the later COPY
# would put the old one back, so the split is unsafe and not applied without --unsafe-fixes.
FROM node:20-slim
WORKDIR /usr/src/app
COPY . .
RUN npm install
EXPOSE 3000
CMD ["node", "server.js"]
