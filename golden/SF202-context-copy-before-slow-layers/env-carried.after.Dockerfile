FROM debian:bookworm
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update && apt-get install -y tzdata
COPY . /app
ENV APP_ENV=production
CMD ["/app/bin/start"]
