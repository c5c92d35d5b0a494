FROM python:3.11
RUN pip install pipenv
COPY . /usr/src/app
WORKDIR /usr/src/app
RUN pipenv install --deploy --system
CMD ["python", "bot.py"]
