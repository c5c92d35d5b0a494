from python:3.12-slim
add . /srv/app
run cd /srv/app && pip install -r requirements.txt
cmd ["python", "/srv/app/app.py"]
