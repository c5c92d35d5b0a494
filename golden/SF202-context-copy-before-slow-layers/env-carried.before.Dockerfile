FROM debian:bookworm
COPY . /app
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update && apt-get install -y tzdata
ENV APP_ENV=production
CMD ["/app/bin/start"]
