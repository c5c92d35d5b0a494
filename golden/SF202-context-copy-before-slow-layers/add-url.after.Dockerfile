FROM debian:bookworm
ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini
COPY . /app
ENTRYPOINT ["/tini", "--", "/app/run"]
