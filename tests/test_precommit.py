"""The pre-commit hooks, for real: ``pre-commit try-repo`` against a temporary git repository."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NAIVE = "FROM python:3.11-slim\nWORKDIR app\n"


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def user_repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "user"
    repo.mkdir()
    git("init", "-q", cwd=repo)
    git("config", "user.email", "t@example.com", cwd=repo)
    git("config", "user.name", "t", cwd=repo)
    (repo / "Dockerfile").write_text(NAIVE)
    (repo / "README.md").write_text("not a Dockerfile: WORKDIR app\n")
    git("add", ".", cwd=repo)
    return repo


def try_repo(hook: str, repo: Path, home: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook, "--all-files", "--verbose"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=900,
        env={**__import__("os").environ, "PRE_COMMIT_HOME": str(home)},
    )


def test_hooks_with_try_repo(user_repo: Path, tmp_path: Path) -> None:
    home = tmp_path / "pre-commit-home"
    check = try_repo("slimfix-check", user_repo, home)
    assert check.returncode == 1, check.stdout + check.stderr
    assert "+WORKDIR /app" in check.stdout
    assert (user_repo / "Dockerfile").read_text() == NAIVE

    fix = try_repo("slimfix", user_repo, home)
    assert fix.returncode == 1  # pre-commit fails a hook that modified files
    assert (user_repo / "Dockerfile").read_text() == "FROM python:3.11-slim\nWORKDIR /app\n"
    assert (user_repo / "README.md").read_text() == "not a Dockerfile: WORKDIR app\n"

    again = try_repo("slimfix", user_repo, home)
    assert again.returncode == 0, again.stdout + again.stderr
