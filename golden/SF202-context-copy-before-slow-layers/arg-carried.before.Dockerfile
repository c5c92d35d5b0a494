FROM alpine:3.19
COPY . /srv/site
ARG TINI_VERSION=v0.19.0
RUN wget -qO /sbin/tini https://github.com/krallin/tini/releases/download/${TINI_VERSION}/tini-static \
 && chmod +x /sbin/tini
ENTRYPOINT ["/sbin/tini", "--"]
