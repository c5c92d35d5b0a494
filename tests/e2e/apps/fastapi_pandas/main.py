"""A small FastAPI service that summarises a table with pandas."""

import pandas as pd
from fastapi import FastAPI

app = FastAPI(title="fastapi_pandas")

SALES = pd.DataFrame(
    {"region": ["north", "south", "north", "east"], "amount": [120, 80, 60, 40]}
)


@app.get("/summary")
def summary() -> dict[str, int]:
    totals = SALES.groupby("region")["amount"].sum()
    return {region: int(total) for region, total in totals.items()}
