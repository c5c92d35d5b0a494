FROM debian:bookworm
COPY . /app
ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini
ENTRYPOINT ["/tini", "--", "/app/run"]
