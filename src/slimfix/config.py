"""Configuration: ``.slimfix.yaml`` or ``[tool.slimfix]`` in ``pyproject.toml``."""

from __future__ import annotations

from pathlib import Path

from slimfix.engine import Settings

STARTER = "# slimfix configuration\n"


def load_settings(path: Path | None, explicit: Path | None = None) -> Settings:
    return Settings()
