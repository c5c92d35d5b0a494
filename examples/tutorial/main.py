"""A small FastAPI + pandas app: the classic naive-Dockerfile tutorial's application."""

import pandas as pd
from fastapi import FastAPI

app = FastAPI()


@app.get("/")
def summary() -> dict:
    frame = pd.DataFrame({"size_mb": [912, 187, 124]})
    return {"mean_size_mb": float(frame["size_mb"].mean())}
