FROM node:20
COPY . /app
USER root
RUN apt-get update && apt-get install -y --no-install-recommends chromium
USER node
CMD ["node", "/app/index.js"]
