FROM ghcr.io/astral-sh/uv:python3.12-bookworm-slim
WORKDIR /app
ENV UV_COMPILE_BYTECODE=1
COPY pyproject.toml uv.lock .python-version /app/
RUN uv sync --frozen --no-install-project --no-dev
COPY . /app
ENV PATH="/app/.venv/bin:$PATH"
CMD ["python", "main.py"]
