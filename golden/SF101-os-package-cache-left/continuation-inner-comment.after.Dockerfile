FROM ubuntu:24.04
RUN apt-get update && \
    # the compiler, for the native wheels
    apt-get install -y --no-install-recommends gcc && \
    apt-get clean && \
    rm -rf /var/lib/apt/lists/*
