"""Every sample app builds with buildah against the stand-in bases and passes its smoke command."""

from __future__ import annotations

from pathlib import Path

import pytest

from .buildah_cli import build, image_size, layers, run_in_image
from .sample_apps import ALL_APPS, HAND_OPTIMISED, prepare_app, smoke_command

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("name", ALL_APPS)
def test_app_builds_and_passes_smoke(
    name: str, stand_in_bases: list[str], tmp_path: Path
) -> None:
    app = prepare_app(name, tmp_path)
    tag = f"localhost/slimfix-e2e/{name}:as-written"
    build(app, tag)
    result = run_in_image(tag, smoke_command(name))
    assert result.returncode == 0, (
        f"smoke failed in {tag}:\n{result.stdout}{result.stderr}"
    )


def test_smoke_command_can_fail(stand_in_bases: list[str]) -> None:
    result = run_in_image("python:3.11-slim", "python -c 'import fastapi'")
    assert result.returncode != 0


def test_hand_optimised_fastapi_is_smaller(
    stand_in_bases: list[str], tmp_path: Path
) -> None:
    naive = prepare_app("fastapi_pandas", tmp_path / "naive")
    optimised = prepare_app(
        "fastapi_pandas", tmp_path / "optimised", hand_optimised=True
    )
    build(naive, "localhost/slimfix-e2e/fastapi_pandas:as-written")
    build(
        optimised, "localhost/slimfix-e2e/fastapi_pandas:hand-optimised", HAND_OPTIMISED
    )
    result = run_in_image(
        "localhost/slimfix-e2e/fastapi_pandas:hand-optimised",
        smoke_command("fastapi_pandas"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    before = image_size("localhost/slimfix-e2e/fastapi_pandas:as-written")
    after = image_size("localhost/slimfix-e2e/fastapi_pandas:hand-optimised")
    assert after < before - 100 * 1024 * 1024, (before, after)
    assert not any(
        "gcc" in layer.created_by
        for layer in layers("localhost/slimfix-e2e/fastapi_pandas:hand-optimised")
    )
