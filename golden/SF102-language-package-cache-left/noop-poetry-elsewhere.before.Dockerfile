# The cache is already elsewhere, cleaned or on a mount, or it is not root's (reported only): no change.
FROM python:3.11-slim AS cached
ENV POETRY_CACHE_DIR=/tmp/poetry-cache
RUN poetry install --no-root
FROM python:3.11-slim AS cleaned
RUN poetry install --no-root && rm -rf /root/.cache/pypoetry
RUN poetry sync && poetry cache clear --all -n PyPI
FROM python:3.11-slim AS mounted
RUN --mount=type=cache,target=/root/.cache/pypoetry poetry install --no-root
FROM python:3.11-slim AS user
USER app
RUN poetry install --no-root
FROM python:3.11-slim AS xdg
ENV XDG_CACHE_HOME=/cache
RUN poetry install --no-root
RUN XDG_CACHE_HOME=/c poetry install --no-root
