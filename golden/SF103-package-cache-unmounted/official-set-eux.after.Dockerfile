# syntax=docker/dockerfile:1
FROM node:20
RUN --mount=type=cache,target=/usr/local/share/.cache/yarn set -eux; \
	yarn install --frozen-lockfile; \
	yarn build
