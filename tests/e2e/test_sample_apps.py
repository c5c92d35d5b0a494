"""The sample apps are complete, and prepare_app adds the clutter only to the copy (no buildah)."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest

from .sample_apps import ALL_APPS, APPS_DIR, MiB, prepare_app, smoke_command


@pytest.mark.parametrize("name", ALL_APPS)
def test_app_has_dockerfile_and_one_line_smoke(name: str) -> None:
    assert (APPS_DIR / name / "Dockerfile").is_file()
    assert (APPS_DIR / name / "smoke.txt").read_text().count("\n") == 1
    assert smoke_command(name)


def test_fastapi_copy_gets_clutter_the_repo_lacks(tmp_path: Path) -> None:
    app = prepare_app("fastapi_pandas", tmp_path)
    assert (app / ".venv/pyvenv.cfg").is_file()
    assert (app / ".git/HEAD").is_file()
    assert (app / "data/events.bin").stat().st_size > MiB
    assert not (app / ".dockerignore").exists()
    for clutter in (".venv", ".git", "data"):
        assert not (APPS_DIR / "fastapi_pandas" / clutter).exists()


def test_clutter_is_identical_on_every_run(tmp_path: Path) -> None:
    first = prepare_app("fastapi_pandas", tmp_path / "a")
    second = prepare_app("fastapi_pandas", tmp_path / "b")
    assert filecmp.cmp(
        first / "data/events.bin", second / "data/events.bin", shallow=False
    )


def test_hand_optimised_copy_gets_its_dockerignore(tmp_path: Path) -> None:
    app = prepare_app("fastapi_pandas", tmp_path, hand_optimised=True)
    assert ".venv/" in (app / ".dockerignore").read_text().splitlines()


def test_unknown_app_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no such sample app"):
        prepare_app("nope", tmp_path)
