FROM node:20-slim
RUN corepack enable
WORKDIR /app
COPY . /app
RUN pnpm install --frozen-lockfile --prod
CMD ["node", "dist/index.js"]
