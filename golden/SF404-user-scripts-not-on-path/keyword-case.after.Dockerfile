from python:3.12-slim
run pip install --user flask
env PATH=/root/.local/bin:$PATH
cmd flask run
