"""``python -m slimfix`` (the fast path for simple invocations) and the typer command line
(``slimfix.cli.main``) give byte-identical stdout, stderr and exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from slimfix.fastpath import parse_args

NAIVE = "FROM python:3.11-slim\nWORKDIR app\nCMD python app.py\n"
CLEAN = "FROM python:3.11-slim\nWORKDIR /app\nRUN echo hi\n"
BROKEN = "FROM debian\nFOO bar\n"
# more than a pipe holds: the script leaves with os._exit once it has flushed its streams
BIG = "FROM python:3.11-slim\n" + "RUN pip install flask\n" * 4000
TYPER = "import sys; from slimfix.cli import main; raise SystemExit(main(sys.argv[1:]))"

INVOCATIONS = [
    (["-", "--stdin-filename", "Dockerfile"], NAIVE),
    (["-", "--stdin-filename", "Dockerfile"], BIG),
    (["-", "--stdin-filename=Dockerfile", "--unsafe-fixes"], NAIVE),
    (["-", "--stdin-filename", "Dockerfile", "--check"], NAIVE),
    (["-", "--diff", "--stdin-filename", "Dockerfile", "--select", "SF403,sf401"], NAIVE),
    (["-", "--stdin-filename", "Dockerfile"], BROKEN),
    (["-"], b"FROM debian\nLABEL a=\xe9\n"),
    (["--check", "naive.Dockerfile", "clean.Dockerfile"], None),
    (["naive.Dockerfile", "--ignore", "SF403", "--no-unsafe-fixes"], None),
    (["--diff", "-q", "naive.Dockerfile", "broken.Dockerfile", "missing.Dockerfile"], None),
    (["--check", "--quiet", "."], None),
    (["--write", "naive.Dockerfile", "--select=SF403"], None),
    # not simple: typer handles them through the same entry point
    (["--check", "--write", "naive.Dockerfile"], None),
    (["--select"], None),
    (["--version"], None),
    (["rules"], None),
    ([], None),
]


def _project(root: Path) -> None:
    root.mkdir()
    (root / "naive.Dockerfile").write_text(NAIVE)
    (root / "clean.Dockerfile").write_text(CLEAN)
    (root / "broken.Dockerfile").write_text(BROKEN)


def _run(cmd: list[str], cwd: Path, stdin: bytes | None) -> tuple[int, bytes, bytes, dict[str, bytes]]:
    r = subprocess.run(cmd, input=stdin, capture_output=True, cwd=cwd, timeout=120)
    files = {p.name: p.read_bytes() for p in sorted(cwd.iterdir())}
    return r.returncode, r.stdout, r.stderr, files


@pytest.mark.parametrize("args, stdin", INVOCATIONS, ids=[" ".join(a) or "none" for a, _ in INVOCATIONS])
def test_fast_path_and_typer_agree(tmp_path: Path, args: list[str], stdin) -> None:
    data = stdin.encode() if isinstance(stdin, str) else stdin
    _project(tmp_path / "fast")
    _project(tmp_path / "typer")
    fast = _run([sys.executable, "-m", "slimfix", *args], tmp_path / "fast", data)
    slow = _run([sys.executable, "-c", TYPER, *args], tmp_path / "typer", data)
    assert fast == slow
    assert fast[1] or fast[2]  # something was said


def test_simple_invocations_skip_typer_and_others_do_not() -> None:
    assert parse_args(["-", "--stdin-filename", "Dockerfile"])["paths"] == ["-"]
    assert parse_args(["--check", "a", "--select", "SF1", "--select=SF2"])["--select"] == ["SF1", "SF2"]
    for args in (["--help"], ["--version"], ["rules"], ["a", "--output-format", "json"], ["--", "a"],
                 ["a", "--check", "--diff"], ["a", "--select"], ["-", "--stdin-filename", "x", "--stdin-filename", "y"],
                 ["a", "--unsafe-fixes", "--no-unsafe-fixes"], []):
        assert parse_args(args) is None, args


def test_the_stdin_path_does_not_import_typer(tmp_path: Path) -> None:
    code = (
        "import sys; sys.argv = ['slimfix', '-', '--stdin-filename', 'Dockerfile'];"
        "from slimfix.__main__ import main; rc = main();"
        "print(sorted(m for m in ('typer', 'click', 'difflib', 'pygls') if m in sys.modules), file=sys.stderr)"
    )
    r = subprocess.run([sys.executable, "-c", code], input=CLEAN.encode(), capture_output=True, cwd=tmp_path, timeout=120)
    assert r.stdout == CLEAN.encode()
    assert r.stderr.decode().strip().endswith("[]")


@pytest.mark.parametrize("text", [NAIVE, BIG])
def test_the_script_flushes_what_it_wrote_before_it_leaves(tmp_path: Path, text: str) -> None:
    # block-buffered streams (no PYTHONUNBUFFERED): what sits in a buffer must still come out
    from slimfix.engine import Settings, fix_text

    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    r = subprocess.run([sys.executable, "-m", "slimfix", "-", "--stdin-filename", "Dockerfile"], input=text.encode(),
                       capture_output=True, cwd=tmp_path, env=env, timeout=120)
    result = fix_text(text, Settings(context=tmp_path), tmp_path / "Dockerfile")
    assert r.returncode == 0
    assert r.stdout.decode() == result.output
    assert r.stderr.decode().count("\n") == len([d for d in result.found if d.fix is None or not d.fix.applies(False)])
