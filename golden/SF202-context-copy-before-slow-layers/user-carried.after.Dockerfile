FROM node:20
USER root
RUN apt-get update && apt-get install -y --no-install-recommends chromium
COPY . /app
USER node
CMD ["node", "/app/index.js"]
