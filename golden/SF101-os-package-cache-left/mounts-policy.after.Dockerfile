FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl
RUN apk add git
RUN zypper -n in tar && zypper clean --all
