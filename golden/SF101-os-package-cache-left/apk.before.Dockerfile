FROM alpine:3.19
RUN apk add curl
RUN apk update && apk add --virtual .build-deps gcc musl-dev
RUN apk add --no-cache git
