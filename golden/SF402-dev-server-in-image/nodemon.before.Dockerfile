FROM node:20-slim
COPY . .
CMD npx nodemon server.js
