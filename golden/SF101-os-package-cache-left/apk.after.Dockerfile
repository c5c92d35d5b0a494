FROM alpine:3.19
RUN apk add --no-cache curl
RUN apk update && apk add --no-cache --virtual .build-deps gcc musl-dev && rm -rf /var/cache/apk/*
RUN apk add --no-cache git
