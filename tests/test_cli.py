"""The command line, through a real subprocess: flags, exit codes, stdin mode, byte safety."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

NAIVE = "FROM python:3.11-slim\nWORKDIR app\nRUN echo hi\n"
FIXED = "FROM python:3.11-slim\nWORKDIR /app\nRUN echo hi\n"
CLEAN = "FROM python:3.11-slim\nWORKDIR /app\nRUN echo hi\n"
SELECT = ["--select", "SF403"]


def slimfix(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "slimfix", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        timeout=120,
    )


def write(path: Path, text: str | bytes) -> Path:
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def test_diff_is_the_default_and_exits_1(tmp_path: Path) -> None:
    f = write(tmp_path / "Dockerfile", NAIVE)
    r = slimfix(str(f), *SELECT)
    assert r.returncode == 1
    out = r.stdout.decode()
    assert out.startswith(f"--- {f}\n+++ {f}\n")
    assert "-WORKDIR app\n+WORKDIR /app\n" in out
    assert f.read_text() == NAIVE  # nothing written without --write
    assert slimfix("--diff", str(f), *SELECT).stdout == r.stdout


def test_clean_file_exits_0_with_no_output(tmp_path: Path) -> None:
    f = write(tmp_path / "Dockerfile", CLEAN)
    for flag in ("--diff", "--check", "--write"):
        r = slimfix(flag, str(f), *SELECT)
        assert (r.returncode, r.stdout) == (0, b""), flag
    assert f.read_text() == CLEAN


def test_check_reports_and_exits_1(tmp_path: Path) -> None:
    f = write(tmp_path / "Dockerfile", NAIVE)
    r = slimfix("--check", str(f), *SELECT)
    assert r.returncode == 1
    assert f"{f}:2:9: SF403 [*]" in r.stdout.decode()
    assert f"would rewrite {f}" in r.stderr.decode()
    assert f.read_text() == NAIVE


def test_write_rewrites_then_check_is_clean(tmp_path: Path) -> None:
    f = write(tmp_path / "Dockerfile", NAIVE)
    r = slimfix("--write", str(f), *SELECT)
    assert r.returncode == 0, r.stderr
    assert f.read_text() == FIXED
    assert slimfix("--check", str(f), *SELECT).returncode == 0
    assert not [p for p in tmp_path.iterdir() if p.name != "Dockerfile"]  # no temp files left


def test_write_keeps_crlf_bom_and_mode(tmp_path: Path) -> None:
    f = write(tmp_path / "Dockerfile", ("\ufeff" + NAIVE).replace("\n", "\r\n"))
    f.chmod(0o755)
    assert slimfix("--write", str(f), *SELECT).returncode == 0
    assert f.read_bytes() == ("\ufeff" + FIXED).replace("\n", "\r\n").encode()
    assert stat.S_IMODE(f.stat().st_mode) == 0o755


def test_write_keeps_a_missing_final_newline(tmp_path: Path) -> None:
    f = write(tmp_path / "Dockerfile", NAIVE.rstrip("\n"))
    assert slimfix("--write", str(f), *SELECT).returncode == 0
    assert f.read_text() == FIXED.rstrip("\n")


def test_stdin_writes_the_fixed_text(tmp_path: Path) -> None:
    r = slimfix("-", "--stdin-filename", str(tmp_path / "Dockerfile"), *SELECT, stdin=NAIVE.encode())
    assert (r.returncode, r.stdout.decode()) == (0, FIXED)


def test_stdin_check_and_diff(tmp_path: Path) -> None:
    r = slimfix("--check", "-", *SELECT, stdin=NAIVE.encode())
    assert r.returncode == 1 and b"WORKDIR" not in r.stdout.split(b"\n")[-1]
    r = slimfix("--diff", "-", *SELECT, stdin=NAIVE.encode())
    assert r.returncode == 1 and b"+WORKDIR /app" in r.stdout


def test_stdin_parse_error_gives_the_input_back(tmp_path: Path) -> None:
    half_typed = b"FROM python:3.11-slim\nWORKDIR app\nRU\n"
    r = slimfix("-", "--stdin-filename", "Dockerfile", stdin=half_typed)
    assert r.returncode == 2
    assert r.stdout == half_typed
    assert b"Dockerfile:3:1: unknown instruction: RU" in r.stderr


def test_stdin_non_utf8_gives_the_bytes_back() -> None:
    data = b"FROM a\nLABEL x=\xe9\n"
    r = slimfix("-", "--stdin-filename", "Dockerfile", stdin=data)
    assert r.returncode == 2 and r.stdout == data
    assert b"Dockerfile:2:9: not UTF-8 text" in r.stderr


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"FROM a\nLABEL x=\xe9\n", ":2:9: not UTF-8 text"),
        (b"FROM a\nRUN \x00\x01\x02\n", ":2:5: binary file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary file"),
        (b"FROM a\nFOO bar\n", ":2:1: unknown instruction: FOO"),
        (b"FROM a\nRUN <<EOF\nnever ends\n", ":2:1: unterminated heredoc EOF"),
    ],
)
@pytest.mark.parametrize("flag", ["--diff", "--check", "--write"])
def test_bad_input_exit_2_and_file_untouched(tmp_path: Path, data: bytes, message: str, flag: str) -> None:
    f = write(tmp_path / "Dockerfile", data)
    before = f.stat().st_mtime_ns
    r = slimfix(flag, str(f))
    assert r.returncode == 2
    assert f"{f}{message}".encode() in r.stderr or message.encode() in r.stderr
    assert f.read_bytes() == data and f.stat().st_mtime_ns == before


def test_directory_finds_dockerfiles(tmp_path: Path) -> None:
    names = ["Dockerfile", "api.Dockerfile", "Dockerfile.dev", "Containerfile"]
    for name in names:
        write(tmp_path / name, NAIVE)
    write(tmp_path / "Dockerfile.dockerignore", "*.pyc\n")
    write(tmp_path / "notes.txt", NAIVE)
    r = slimfix("--check", str(tmp_path), *SELECT)
    assert r.returncode == 1
    err = r.stderr.decode()
    for name in names:
        assert f"would rewrite {tmp_path / name}" in err
    assert "dockerignore" not in err and "notes.txt" not in err
    assert slimfix("--write", str(tmp_path), *SELECT).returncode == 0
    assert all((tmp_path / n).read_text() == FIXED for n in names)


def test_several_paths_worst_exit_code_wins(tmp_path: Path) -> None:
    good = write(tmp_path / "a.Dockerfile", CLEAN)
    pending = write(tmp_path / "b.Dockerfile", NAIVE)
    broken = write(tmp_path / "c.Dockerfile", "FOO\n")
    assert slimfix("--check", str(good), str(pending), *SELECT).returncode == 1
    assert slimfix("--check", str(good), str(pending), str(broken), *SELECT).returncode == 2


def test_select_and_ignore(tmp_path: Path) -> None:
    f = write(tmp_path / "Dockerfile", NAIVE)
    assert slimfix("--check", str(f), "--select", "SF9").returncode == 0
    assert slimfix("--check", str(f), "--select", "SF4", "--ignore", "SF403").returncode == 0
    assert slimfix("--check", str(f), "--select", "SF4").returncode == 1


def test_version_usage_and_missing_paths(tmp_path: Path) -> None:
    r = slimfix("--version")
    assert r.returncode == 0 and r.stdout.decode().startswith("slimfix 0.")
    assert slimfix("--no-such-flag").returncode == 2
    assert slimfix("--diff", "--write", str(tmp_path)).returncode == 2
    r = slimfix(str(tmp_path / "missing"))
    assert r.returncode == 2 and b"no such file" in r.stderr
    assert slimfix().returncode == 2


def test_unwritable_folder_reports_and_keeps_file(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can write anywhere")
    f = write(tmp_path / "Dockerfile", NAIVE)
    tmp_path.chmod(0o555)
    try:
        assert slimfix("--write", str(f), *SELECT).returncode == 2
    finally:
        tmp_path.chmod(0o755)
    assert f.read_text() == NAIVE
