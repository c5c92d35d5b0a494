FROM debian:bookworm
RUN apt-get update && apt-get install -y python3-pip
RUN groupadd -r app && useradd -r -g app app
RUN mkdir -p /var/log/app
COPY . /app
CMD ["/app/run"]
