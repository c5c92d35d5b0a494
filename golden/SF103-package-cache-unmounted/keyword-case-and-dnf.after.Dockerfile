# syntax=docker/dockerfile:1
FROM fedora:40
  run --mount=type=cache,target=/var/cache/dnf,sharing=locked dnf install -y gcc
