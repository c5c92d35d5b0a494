FROM nikolaik/python-nodejs:python3.12-nodejs20
WORKDIR /app
COPY requirements.txt package.json package-lock.json ./
RUN pip install -r requirements.txt
ENV NODE_ENV=production
RUN npm ci
COPY . .
RUN npm run build
CMD ["python", "app.py"]
