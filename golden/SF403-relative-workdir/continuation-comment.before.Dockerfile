FROM debian:bookworm-slim
WORKDIR \
# where the app lives
    opt/app
