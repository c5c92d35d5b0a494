"""A small Flask service that talks to PostgreSQL through psycopg2."""

import os

import psycopg2
from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/health")
def health():
    return jsonify(status="ok", libpq=psycopg2.__libpq_version__)


@app.get("/users")
def users():
    dsn = os.environ.get("DATABASE_URL", "")
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT name FROM users ORDER BY name")
        return jsonify([row[0] for row in cur.fetchall()])


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=5000)
