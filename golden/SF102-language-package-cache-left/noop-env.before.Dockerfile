FROM python:3.12 AS base
ENV PIP_NO_CACHE_DIR=1

FROM base
ARG UV_NO_CACHE=1
RUN pip install flask && uv pip install --system httpx
ENV npm_config_cache=/tmp/npm
RUN npm ci
