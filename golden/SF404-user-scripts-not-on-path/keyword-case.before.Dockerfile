from python:3.12-slim
run pip install --user flask
cmd flask run
