FROM nikolaik/python-nodejs:python3.12-nodejs20
WORKDIR /app
COPY requirements.txt package.json package-lock.json ./
RUN pip install -r requirements.txt \
    && npm ci
COPY . .
CMD ["python", "app.py"]
