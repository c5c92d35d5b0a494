"""The tutorial, end to end through the command line: `slimfix --write .` with no other flag
(issues 3 and 4), then `--unsafe-fixes`."""

from __future__ import annotations

from pathlib import Path

from golden import GOLDEN, materialise
from slimfix.dockerignore import Matcher, read_dockerignore
from test_cli import slimfix

CASE = GOLDEN / "pipeline-tutorial"


def tutorial(tmp_path: Path) -> Path:
    folder = materialise(CASE / "tutorial.context", tmp_path / "app")
    (folder / "Dockerfile").write_bytes((CASE / "tutorial.before.Dockerfile").read_bytes())
    return folder


def test_write_dot_with_no_flags(tmp_path: Path) -> None:
    folder = tutorial(tmp_path)
    assert (folder / ".venv" / "pyvenv.cfg").exists() and (folder / ".git").is_dir()
    r = slimfix("--write", ".", cwd=folder)
    assert r.returncode == 0, r.stderr
    assert (folder / "Dockerfile").read_bytes() == (CASE / "tutorial-default.after.Dockerfile").read_bytes()
    ignore = Matcher(read_dockerignore(folder / ".dockerignore"))
    for left_out in (".git", ".venv/pyvenv.cfg", "data/events.bin", "Dockerfile"):
        assert ignore.excluded(left_out), left_out
    for kept in ("main.py", "requirements.txt"):
        assert not ignore.excluded(kept), kept
    # nothing is pending afterwards, and what is left is reported as needing --unsafe-fixes
    again = slimfix("--check", ".", cwd=folder)
    assert again.returncode == 0, again.stdout + again.stderr
    assert b"SF402" in again.stdout and b"SF401" in again.stdout


def test_unsafe_fixes_finish_the_job(tmp_path: Path) -> None:
    folder = tutorial(tmp_path)
    r = slimfix("--write", "--unsafe-fixes", ".", cwd=folder)
    assert r.returncode == 0, r.stderr
    assert (folder / "Dockerfile").read_bytes() == (CASE / "tutorial.after.Dockerfile").read_bytes()
    assert slimfix("--check", "--unsafe-fixes", ".", cwd=folder).returncode == 0
