FROM node:20
RUN set -eux; \
	yarn install --frozen-lockfile; \
	yarn build
