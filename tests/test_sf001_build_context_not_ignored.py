"""SF001: the golden cases through the real command-line path, needs, and the CLI in a subprocess.

Each golden case is materialised (``golden.materialise``) in a temporary folder: the context
with the Dockerfile in it as ``Dockerfile`` and ``<case>.before.dockerignore`` as
``.dockerignore``; then ``runner.run`` runs it with --diff, --check and --write.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from golden import ROOT, Case, cases, materialise
from slimfix import parse
from slimfix.buildcontext import context_size
from slimfix.context_fix import size_text, ignore_file_for, needs_of, plan_dockerignore
from slimfix.dockerignore import Matcher, parse_dockerignore, read_dockerignore
from slimfix.engine import Settings
from slimfix.runner import Mode, Options, run

CASES = [c for c in cases() if c.folder_code == "SF001"]
IDS = [c.name for c in CASES]
PATCH = shutil.which("patch")


def build(case: Case, tmp_path: Path) -> Path:
    ctx = materialise(case.context, tmp_path / "ctx") if case.context else tmp_path / "ctx"
    ctx.mkdir(exist_ok=True)
    (ctx / "Dockerfile").write_bytes(case.before.read_bytes())
    if case.ignore_before.exists():
        (ctx / ".dockerignore").write_bytes(case.ignore_before.read_bytes())
    return ctx


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def cli(case: Case, mode: Mode, path: str) -> tuple[int, str, str]:
    settings = case.settings()
    options = Options(paths=[path], mode=mode, select=settings.select, unsafe_fixes=settings.unsafe_fixes)
    out, err = io.StringIO(), io.StringIO()
    code = run(options, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_enough_golden_cases() -> None:
    assert len(CASES) >= 15
    assert sum(c.ignore_after.exists() for c in CASES) >= 10
    assert all(not c.after.exists() for c in CASES), "SF001 never edits the Dockerfile"


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_write(case: Case, tmp_path: Path) -> None:
    ctx = build(case, tmp_path)
    target = ignore_file_for(ctx, ctx / "Dockerfile")
    before = snapshot(ctx)
    code, _, err = cli(case, Mode.WRITE, str(ctx / "Dockerfile"))
    assert code == 0, err
    after = snapshot(ctx)
    assert after["Dockerfile"] == case.before.read_bytes()
    rel = target.relative_to(ctx).as_posix()
    if case.ignore_after.exists():
        assert after.pop(rel) == case.ignore_after.read_bytes()
        before.pop(rel, None)
        assert re.search(r"^context .*: [\d,]+ files?, .* -> [\d,]+ files?, ", err, re.MULTILINE)
    assert after == before, "nothing but the ignore file changes"
    # a second run finds nothing more to change
    written = snapshot(ctx)
    assert cli(case, Mode.CHECK, str(ctx / "Dockerfile"))[0] == 0
    assert snapshot(ctx) == written


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_check_writes_nothing(case: Case, tmp_path: Path) -> None:
    ctx = build(case, tmp_path)
    before = snapshot(ctx)
    code, _, err = cli(case, Mode.CHECK, str(ctx / "Dockerfile"))
    assert code == (1 if case.ignore_after.exists() else 0), err
    assert snapshot(ctx) == before
    if case.ignore_after.exists():
        assert f"would rewrite {ignore_file_for(ctx, ctx / 'Dockerfile')}" in err


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_diff_applies_with_patch(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(case, tmp_path)
    monkeypatch.chdir(tmp_path)
    code, out, err = cli(case, Mode.DIFF, "ctx/Dockerfile")
    if not case.ignore_after.exists():
        assert (code, out) == (0, ""), err
        return
    assert code == 1
    target = ignore_file_for(Path("ctx"), Path("ctx/Dockerfile"))
    assert out.startswith(f"--- {target}\n+++ {target}\n")
    if PATCH is None:
        pytest.skip("patch(1) is not installed")
    subprocess.run([PATCH, "-p0", "--quiet"], input=out.encode(), cwd=tmp_path, check=True)
    assert (tmp_path / target).read_bytes() == case.ignore_after.read_bytes()


def test_diagnostic_names_what_is_left_out_and_its_size(tmp_path: Path) -> None:
    (case,) = [c for c in CASES if c.name == "python-venv-git"]
    ctx = build(case, tmp_path)
    _, _, err = cli(case, Mode.DIFF, str(ctx / "Dockerfile"))
    lines = case.source().splitlines()
    whole_copy = lines.index("COPY . .") + 1  # reported where the whole context comes in
    (diag,) = [line for line in err.splitlines() if " SF001 " in line]
    assert diag.startswith(f"{ctx / 'Dockerfile'}:{whole_copy}:1: SF001 ")
    left_out = [p for d in (".git", ".venv", "__pycache__") for p in (ctx / d).rglob("*") if p.is_file()]
    left_out.append(ctx / "Dockerfile")  # the builder reads it apart from the context
    size = sum(p.stat().st_size for p in left_out)
    assert f"({len(left_out)} files, {size} B)" in diag
    assert ".git, .venv, __pycache__, Dockerfile" in diag


def test_held_back_proposals_are_reported(tmp_path: Path) -> None:
    (case,) = [c for c in CASES if c.name == "secret-held-back"]
    ctx = build(case, tmp_path)
    code, out, err = cli(case, Mode.DIFF, str(ctx / "Dockerfile"))
    assert code == 1
    assert "with --unsafe-fixes also: .env" in err
    assert "+.env" not in out


def test_select_and_ignore(tmp_path: Path) -> None:
    (case,) = [c for c in CASES if c.name == "python-venv-git"]
    ctx = build(case, tmp_path)
    before = snapshot(ctx)
    for options in (
        Options(paths=[str(ctx)], mode=Mode.WRITE, ignore=frozenset({"SF001"})),
        Options(paths=[str(ctx)], mode=Mode.WRITE, select=frozenset({"SF403"})),
    ):
        assert run(options, out=io.StringIO(), err=io.StringIO()) == 0
        assert not (ctx / ".dockerignore").exists()
    assert snapshot(ctx) == before


# ---- what a Dockerfile needs ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("dockerfile", "paths", "whole"),
    [
        ("FROM a\nCOPY app.py requirements.txt /app/\n", ("app.py", "requirements.txt"), False),
        ("FROM a\nCOPY --from=build /out /out\nCOPY ./src/ /src\n", ("src",), False),
        ("FROM a\nADD https://example.com/x.tgz /x\nADD git@github.com:o/r.git /r\n", (), False),
        ("FROM a\nENV D=conf\nCOPY $D/app.ini /etc/\n", ("conf/app.ini",), False),
        ('FROM a\nCOPY ["my file", "/x/"]\n', ("my file",), False),
        ("FROM a\nCOPY . .\n", (), True),
        ("FROM a\nRUN --mount=type=bind,source=pkg,target=/pkg ls /pkg\n", ("pkg",), False),
        ("FROM a\nRUN --mount=type=bind,from=b,target=/b ls /b\n", (), False),
        ("FROM a\nRUN --mount=type=bind,target=/src ls /src\n", (), True),
        ("FROM a\nONBUILD COPY . /app\nONBUILD COPY x /x\n", (), False),
        ("# syntax=docker/dockerfile:1\nFROM a\nCOPY <<EOF /x\nhi\nEOF\n", (), False),
    ],
)
def test_needed_paths(dockerfile: str, paths: tuple[str, ...], whole: bool) -> None:
    needs = needs_of(parse(dockerfile))
    assert (needs.paths, needs.whole, needs.unknown) == (paths, whole, ())


def test_unknown_source_stops_the_plan(tmp_path: Path) -> None:
    needs = needs_of(parse("FROM a\nARG SRC=app\nCOPY $SRC /app\n"))
    assert needs.unknown and "$SRC" in needs.unknown[0]
    (tmp_path / ".git").mkdir()
    assert plan_dockerignore(tmp_path, [(tmp_path / "Dockerfile", parse("FROM a\nARG S\nCOPY $S /x\n"))], Settings()) is None


def test_install_reads_are_needed(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("-r reqs/base.txt\n")
    (tmp_path / "reqs").mkdir()
    (tmp_path / "reqs" / "base.txt").write_text("flask\n")
    df = parse("FROM a\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n")
    needs = needs_of(df, tmp_path)
    assert needs.paths == ("reqs/base.txt", "requirements.txt")
    assert needs.unbounded == () and needs.whole


def test_install_in_unknown_folder_is_unbounded(tmp_path: Path) -> None:
    needs = needs_of(parse("FROM a\nCOPY . /app\nWORKDIR app\nRUN pip install -r requirements.txt\n"), tmp_path)
    assert needs.unbounded


def test_node_install_and_vcs_readers() -> None:
    assert needs_of(parse("FROM node\nRUN npm ci\n")).installs_node_modules
    assert not needs_of(parse("FROM node\nRUN npm install -g pnpm\n")).installs_node_modules
    assert needs_of(parse("FROM a\nRUN git describe > /v\n")).runs_git
    assert needs_of(parse("FROM golang\nRUN go build ./...\n")).runs_git
    assert not needs_of(parse("FROM a\nRUN echo legit\n")).runs_git


def test_shared_context_union_keeps_what_either_copies(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (tmp_path / "data.bin").write_bytes(b"x" * 2_000_000)
    one = parse("FROM a\nCOPY . /app\n")
    two = parse("FROM a\nCOPY data.bin /data/\n")
    alone = plan_dockerignore(tmp_path, [(tmp_path / "Dockerfile", one)], Settings(unsafe_fixes=True))
    both = plan_dockerignore(tmp_path, [(tmp_path / "Dockerfile", one), (tmp_path / "Dockerfile", two)], Settings(unsafe_fixes=True))
    assert alone is not None and both is not None
    assert "data.bin" in alone.new_text.splitlines() and "data.bin" not in both.new_text.splitlines()
    assert ".git" in both.new_text.splitlines()
    matcher = Matcher(parse_dockerignore(both.new_text))
    assert not matcher.excluded("data.bin") and matcher.excluded(".git/HEAD")
    assert both.size_before == context_size(tmp_path, Matcher([]))


# ---- the command line, in a subprocess -----------------------------------------------------


def slimfix(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-m", "slimfix", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)


def repo_with_git_and_venv(root: Path) -> Path:
    (root / ".git").mkdir(parents=True)
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / ".venv").mkdir()
    (root / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (root / "app.py").write_text("print('hi')\n")
    return root


def test_cli_compose_services_share_one_dockerignore(tmp_path: Path) -> None:
    repo = repo_with_git_and_venv(tmp_path / "repo")
    (repo / "assets").mkdir()
    (repo / "assets" / "model.bin").write_bytes(b"x" * 2_000_000)
    (repo / "docker").mkdir()
    (repo / "docker" / "api.Dockerfile").write_text("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n")
    (repo / "docker" / "worker.Dockerfile").write_text(
        "FROM python:3.12-slim\nCOPY assets/model.bin /models/\nCOPY app.py /app/\n"
    )
    (repo / "compose.yaml").write_text(
        "services:\n"
        "  api:\n    build:\n      context: .\n      dockerfile: docker/api.Dockerfile\n"
        "  worker:\n    build:\n      context: .\n      dockerfile: docker/worker.Dockerfile\n"
    )
    result = slimfix("--select", "SF001", "--unsafe-fixes", "--write", ".", cwd=repo)
    assert result.returncode == 0, result.stderr
    ignores = sorted(p.relative_to(repo).as_posix() for p in repo.rglob("*dockerignore"))
    assert ignores == [".dockerignore"]
    lines = (repo / ".dockerignore").read_text().splitlines()
    assert ".git" in lines and ".venv" in lines
    assert not any("model.bin" in line for line in lines), "the worker copies it"
    assert result.stderr.count("context .:") == 1
    assert slimfix("--select", "SF001", "--unsafe-fixes", "--check", ".", cwd=repo).returncode == 0


def test_cli_context_option(tmp_path: Path) -> None:
    repo = repo_with_git_and_venv(tmp_path / "repo")
    (repo / "docker").mkdir()
    (repo / "docker" / "Dockerfile").write_text("FROM python:3.12-slim\nCOPY . /app\n")
    result = slimfix("--select", "SF001", "--diff", "--context", ".", "docker/Dockerfile", cwd=repo)
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("--- .dockerignore\n+++ .dockerignore\n@@ -0,0 +1,")
    assert "+.git\n" in result.stdout and "+.venv\n" in result.stdout
    assert not (repo / ".dockerignore").exists() and not (repo / "docker" / ".dockerignore").exists()
    if PATCH is not None:
        subprocess.run([PATCH, "-p0", "--quiet"], input=result.stdout, text=True, cwd=repo, check=True)
        assert slimfix("--select", "SF001", "--check", "--context", ".", "docker/Dockerfile", cwd=repo).returncode == 0
    # without --context, the Dockerfile's folder is the context: nothing there to leave out
    assert slimfix("--select", "SF001", "--check", "docker/Dockerfile", cwd=repo).returncode == 0


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_cli_existing_dockerignore_kept_byte_for_byte(tmp_path: Path, newline: str) -> None:
    repo = repo_with_git_and_venv(tmp_path)
    (repo / "Dockerfile").write_text("FROM python:3.12-slim\nCOPY . /app\n")
    old = newline.join(["# keep the notes out", "notes/", "#   odd   spacing  ", "", "*.tmp  ", ""]).encode()
    (repo / ".dockerignore").write_bytes(old)
    result = slimfix("--select", "SF001", "--write", "Dockerfile", cwd=repo)
    assert result.returncode == 0, result.stderr
    new = (repo / ".dockerignore").read_bytes()
    assert new.startswith(old) and len(new) > len(old)
    added = new[len(old) :]
    assert added.count(b"\n") == added.count(newline.encode())
    assert newline.encode() + b".git" + newline.encode() in added


def test_cli_bad_compose_file(tmp_path: Path) -> None:
    repo = repo_with_git_and_venv(tmp_path)
    (repo / "Dockerfile").write_text("FROM python:3.12-slim\nCOPY . /app\n")
    (repo / "compose.yaml").write_text("services:\n  api:\n    build: 3\n")
    result = slimfix("--check", ".", cwd=repo)
    assert result.returncode == 2
    assert "compose.yaml:3: build of 'api' must be a string or a mapping" in result.stderr
    assert not (repo / ".dockerignore").exists()


def test_cli_unreadable_sibling_dockerfile_blocks_the_shared_file(tmp_path: Path) -> None:
    repo = repo_with_git_and_venv(tmp_path)
    (repo / "Dockerfile").write_text("FROM python:3.12-slim\nCOPY . /app\n")
    (repo / "Dockerfile.dev").write_bytes(b"FROM python\nCOPY \xff /x\n")
    result = slimfix("--select", "SF001", "--write", ".", cwd=repo)
    assert result.returncode == 2
    assert not (repo / ".dockerignore").exists()
    assert ".dockerignore left unchanged" in result.stderr


def test_cli_bad_existing_dockerignore(tmp_path: Path) -> None:
    repo = repo_with_git_and_venv(tmp_path)
    (repo / "Dockerfile").write_text("FROM python:3.12-slim\nCOPY . /app\n")
    (repo / ".dockerignore").write_text("ok\n[\n")
    result = slimfix("--select", "SF001", "--write", "Dockerfile", cwd=repo)
    assert result.returncode == 2
    assert ".dockerignore:2: bad pattern" in result.stderr
    assert (repo / ".dockerignore").read_text() == "ok\n[\n"


def test_tutorial_gets_a_sensible_proposal(tmp_path: Path) -> None:
    tutorial = ROOT / "examples" / "tutorial"
    copy = tmp_path / "tutorial"
    shutil.copytree(tutorial, copy)
    (copy / ".git").mkdir()
    (copy / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (copy / ".venv" / "lib").mkdir(parents=True)
    (copy / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (copy / ".venv" / "lib" / "site.py").write_text("# a module\n")
    (copy / "data.bin").write_bytes(b"x" * 3_000_000)
    files = [p for p in copy.rglob("*") if p.is_file()]
    left_out = (".git", ".venv", "data.bin", "Dockerfile")
    kept = [p for p in files if p.relative_to(copy).parts[0] not in left_out]
    # no flags: the acceptance for the tutorial
    result = slimfix("--select", "SF001", "--write", "Dockerfile", cwd=copy)
    assert result.returncode == 0, result.stderr
    assert (copy / "Dockerfile").read_bytes() == (tutorial / "Dockerfile").read_bytes()
    matcher = Matcher(read_dockerignore(copy / ".dockerignore"))
    assert matcher.excluded(".git/HEAD") and matcher.excluded(".venv/pyvenv.cfg")
    for name in ("main.py", "requirements.txt"):
        assert not matcher.excluded(name)
    assert matcher.excluded("Dockerfile")  # still sent to the builder, but COPY . no longer copies it
    # nothing in the context names data.bin, so the app cannot open it: left out safely
    assert matcher.excluded("data.bin")
    before = size_text(len(files), sum(p.stat().st_size for p in files))
    after = size_text(len(kept), sum(p.stat().st_size for p in kept))
    assert f"context .: {before} -> {after}" in result.stderr
    assert before == "7 files, 3.0 MB" and after.startswith("2 files, ")


def test_large_file_named_by_the_source_needs_unsafe_fixes(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD [\"python\", \"main.py\"]\n")
    (tmp_path / "main.py").write_text("import pickle\nmodel = pickle.load(open('model.pkl', 'rb'))\n")
    (tmp_path / "model.pkl").write_bytes(b"x" * 2_000_000)
    (tmp_path / "dump").mkdir()
    (tmp_path / "dump" / "old.sql").write_bytes(b"y" * 2_000_000)
    result = slimfix("--select", "SF001", "--write", "Dockerfile", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    matcher = Matcher(read_dockerignore(tmp_path / ".dockerignore"))
    assert matcher.excluded("dump/old.sql")  # named nowhere
    assert not matcher.excluded("model.pkl")  # main.py opens it: only with --unsafe-fixes
    result = slimfix("--select", "SF001", "--unsafe-fixes", "--write", "Dockerfile", cwd=tmp_path)
    assert Matcher(read_dockerignore(tmp_path / ".dockerignore")).excluded("model.pkl")


def test_cli_excluded_dockerfile_still_protects_what_it_copies(tmp_path: Path) -> None:
    repo = repo_with_git_and_venv(tmp_path)
    (repo / "Dockerfile").write_text("FROM python:3.12-slim\nCOPY . /app\n")
    (repo / "docker").mkdir()
    (repo / "docker" / "venv.Dockerfile").write_text("FROM python:3.12-slim\nCOPY .venv /venv\n")
    (repo / "compose.yaml").write_text(
        "services:\n  app:\n    build: .\n"
        "  venv:\n    build:\n      context: .\n      dockerfile: docker/venv.Dockerfile\n"
    )
    (repo / ".slimfix.yaml").write_text("extend-exclude: ['docker/']\n")
    result = slimfix("--select", "SF001", "--write", ".", cwd=repo)
    assert result.returncode == 0, result.stderr
    lines = (repo / ".dockerignore").read_text().splitlines()
    assert ".git" in lines and ".venv" not in lines


def test_cli_one_dockerfile_two_compose_contexts(tmp_path: Path) -> None:
    repo = tmp_path
    for name in ("a", "b"):
        repo_with_git_and_venv(repo / name)
    (repo / "Dockerfile").write_text("FROM python:3.12-slim\nCOPY . /app\n")
    (repo / "compose.yaml").write_text(
        "services:\n"
        "  a:\n    build:\n      context: a\n      dockerfile: ../Dockerfile\n"
        "  b:\n    build:\n      context: b\n      dockerfile: ../Dockerfile\n"
    )
    result = slimfix("--select", "SF001", "--check", ".", cwd=repo)
    assert result.returncode == 1, result.stderr
    assert "would rewrite a/.dockerignore" in result.stderr and "would rewrite b/.dockerignore" in result.stderr
    assert not (repo / ".dockerignore").exists() and not (repo / "a" / ".dockerignore").exists()


def test_suppression_on_the_whole_context_copy_is_used(tmp_path: Path) -> None:
    from slimfix.engine import check_text

    (case,) = [c for c in CASES if c.name == "ignore-comment-on-copy"]
    ctx = build(case, tmp_path)
    settings = Settings(select=frozenset({"SF001", "SF900"}), context=ctx)
    assert check_text(case.source(), settings, ctx / "Dockerfile") == []
    bare = case.source().replace("# slimfix: ignore=SF001\n", "")
    assert [d.code for d in check_text(bare, settings, ctx / "Dockerfile")] == ["SF001"]


def test_only_unsafe_proposals_are_reported_not_written(tmp_path: Path) -> None:
    from slimfix.engine import check_text

    (tmp_path / ".env").write_text("TOKEN=x\n")
    (tmp_path / "app.py").write_text("print('hi')\n")
    text = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
    (tmp_path / "Dockerfile").write_text(text)
    (diag,) = check_text(text, Settings(select=frozenset({"SF001"}), context=tmp_path), tmp_path / "Dockerfile")
    assert diag.message.endswith(": .env; --unsafe-fixes lists them in .dockerignore")
    assert diag.fix is None and diag.line == text.splitlines().index("COPY . .") + 1
    options = Options(paths=[str(tmp_path / "Dockerfile")], mode=Mode.CHECK, select=frozenset({"SF001"}))
    assert run(options, out=io.StringIO(), err=io.StringIO()) == 0
    options.unsafe_fixes = True
    assert run(options, out=io.StringIO(), err=io.StringIO()) == 1
