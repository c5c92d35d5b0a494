# syntax=docker/dockerfile:1
FROM node:20
USER node
RUN npm ci
