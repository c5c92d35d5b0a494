FROM node:20-slim
RUN apt-get update && apt-get install -y python3 make g++
WORKDIR /usr/src/app
COPY . .
RUN npm ci
EXPOSE 3000
CMD npm start
