FROM php:8.3-cli
RUN set -eux; \
	composer install --no-dev --prefer-dist; \
	composer dump-autoload --optimize; \
	composer clear-cache
