FROM node:20
RUN npm ci && yarn install --frozen-lockfile
