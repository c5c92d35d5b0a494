from python:3.12-slim
add requirements.txt /srv/app/
run cd /srv/app && pip install -r requirements.txt
add . /srv/app
cmd ["python", "/srv/app/app.py"]
