FROM ubuntu:22.04

# system packages: compilers and the postgres client
# hadolint ignore=DL3008
RUN apt-get update && apt-get install -y build-essential postgresql-client

# the application
COPY . /app

# run the app
CMD ["/app/start"]
