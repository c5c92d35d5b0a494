FROM node:20 AS dev
WORKDIR /app
COPY . .
CMD npm run dev

FROM dev
RUN npm run build
