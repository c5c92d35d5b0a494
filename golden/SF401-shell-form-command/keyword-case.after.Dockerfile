from python:3.12
# run the app
cmd   ["python", "app.py", "--port", "80"]
