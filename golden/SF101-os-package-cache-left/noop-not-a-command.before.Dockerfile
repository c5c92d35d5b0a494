FROM debian:bookworm-slim
RUN echo apt-get install curl > /notes.txt
RUN sh -c 'apt-get update && apt-get install curl'
RUN ["apt-get", "install", "curl"]
