FROM alpine:3.19
RUN apk add gcc musl-dev \
 && apk add python3
