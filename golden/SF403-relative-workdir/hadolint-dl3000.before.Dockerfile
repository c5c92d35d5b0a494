FROM python:3.12
# hadolint ignore=DL3000
WORKDIR app
