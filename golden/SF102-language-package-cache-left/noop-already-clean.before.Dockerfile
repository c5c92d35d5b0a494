FROM python:3.12-slim
RUN pip install --no-cache-dir flask \
    && uv pip install --no-cache --system httpx
RUN npm ci && npm cache clean --force
RUN composer install && composer clear-cache
