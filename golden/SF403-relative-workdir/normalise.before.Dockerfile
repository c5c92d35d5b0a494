FROM alpine:3.20
WORKDIR /srv/
WORKDIR ./app/../lib/
WORKDIR ..
WORKDIR .
