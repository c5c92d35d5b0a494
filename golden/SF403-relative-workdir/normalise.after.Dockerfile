FROM alpine:3.20
WORKDIR /srv/
WORKDIR /srv/lib
WORKDIR /srv
WORKDIR /srv
