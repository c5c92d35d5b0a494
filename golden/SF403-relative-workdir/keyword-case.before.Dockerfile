from ubuntu:24.04
workdir   srv
