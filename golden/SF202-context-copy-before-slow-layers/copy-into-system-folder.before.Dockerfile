FROM node:20
COPY . /usr/src/app
RUN apt-get update && apt-get install -y python3
