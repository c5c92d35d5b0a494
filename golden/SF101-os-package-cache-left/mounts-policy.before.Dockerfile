FROM debian:bookworm-slim
RUN apt-get update && apt-get install curl
RUN apk add git
RUN zypper -n in tar
