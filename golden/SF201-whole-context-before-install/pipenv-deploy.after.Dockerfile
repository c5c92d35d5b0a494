FROM python:3.11
RUN pip install pipenv
COPY Pipfile Pipfile.lock /usr/src/app/
WORKDIR /usr/src/app
RUN pipenv install --deploy --system
COPY . /usr/src/app
CMD ["python", "bot.py"]
