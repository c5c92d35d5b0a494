FROM python:3.12
# slimfix: ignore=SF403
WORKDIR app
