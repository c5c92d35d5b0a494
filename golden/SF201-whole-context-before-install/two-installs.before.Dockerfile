FROM nikolaik/python-nodejs:python3.12-nodejs20
WORKDIR /app
COPY . .
RUN pip install -r requirements.txt \
    && npm ci
CMD ["python", "app.py"]
