FROM node:20
WORKDIR /app
COPY package*.json ./
RUN npm ci && \
    # prune after the build
    npm prune --omit=dev && \
    npm cache clean --force
