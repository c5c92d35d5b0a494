FROM nikolaik/python-nodejs:python3.12-nodejs20
WORKDIR /app
COPY . .
RUN pip install -r requirements.txt
ENV NODE_ENV=production
RUN npm ci
RUN npm run build
CMD ["python", "app.py"]
