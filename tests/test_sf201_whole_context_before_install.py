"""SF201 whole-context-before-install: messages, the build context, and the proof that a split
keeps the image's files.

The golden cases (golden/SF201-whole-context-before-install/) hold the exact expected output;
here a small model of COPY replays every split case on its ``.context/`` folder and checks
that each stage ends with the same files and that the install, run over only the files the
first COPY brought, reads the same files with nothing left out.
"""

from __future__ import annotations

import dataclasses
import posixpath
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from golden import GOLDEN, Case, cases
from slimfix import parse
from slimfix.dockerignore import (
    Matcher,
    find_ignore_file,
    read_dockerignore,
    walk_context,
)
from slimfix.engine import Safety, Settings, check_text, fix_text
from slimfix.installs import clean, reads, recognise, under
from slimfix.shell import script
from slimfix.transforms.sf201_whole_context_before_install import _dest_prefix

FOLDER = GOLDEN / "SF201-whole-context-before-install"
SPLITS = [c for c in cases() if c.before.parent == FOLDER and c.after.exists()]


def settings(context: Path | None, **kw) -> Settings:
    return Settings(select=frozenset({"SF201"}), unsafe_fixes=True, context=context, **kw)


def sf201(text: str, context: Path | None, path: Path | None = None):
    return [d for d in check_text(text, settings(context), path) if d.code == "SF201"]


# ---- a model of COPY over the build context ------------------------------------------------


def context_files(context: Path, dockerfile: Path | None = None) -> list[str]:
    ignore = find_ignore_file(context, dockerfile)
    matcher = Matcher(read_dockerignore(ignore) if ignore else [])
    return [rel for rel, _ in walk_context(context, matcher)]


@dataclasses.dataclass
class Snapshot:
    run: object
    cwd: str
    files: dict[str, str]  # image path -> context path


def replay(text: str, context: Path) -> list[tuple[dict[str, str], list[Snapshot]]]:
    """Each stage's final files (image path -> context path) and the files each RUN sees."""
    sent = context_files(context)
    out = []
    for stage in parse(text).stages:
        fs: dict[str, str] = {}
        cwd = "/"
        runs: list[Snapshot] = []
        for instr in stage.instructions:
            if instr.name == "WORKDIR":
                cwd = clean(posixpath.join(cwd, instr.value[0]))
            elif instr.name in ("COPY", "ADD") and instr.sem.flag("from") is None:
                *sources, dest = instr.value
                target = clean(posixpath.join(cwd, dest))
                for src in sources:
                    src = clean(src)
                    if src == ".":
                        fs.update({clean(f"{target}/{rel}"): rel for rel in sent})
                        continue
                    assert src in sent, f"{src} is not sent to the builder"
                    into_dir = dest.endswith("/") or len(sources) > 1
                    fs[clean(f"{target}/{posixpath.basename(src)}") if into_dir else target] = src
            elif instr.name == "RUN":
                runs.append(Snapshot(instr, cwd, dict(fs)))
        out.append((fs, runs))
    return out


class SnapshotFiles:
    def __init__(self, context: Path, files: dict[str, str], dest: str) -> None:
        self.context, self.files, self.dest = context, files, dest

    def inside(self, path: str) -> bool:
        return under(path, self.dest)

    def read(self, path: str) -> str | None:
        rel = self.files.get(path)
        return None if rel is None else (self.context / rel).read_text()


def install_run(text: str) -> tuple[int, int, str]:
    """(stage, index among its RUNs) of the RUN just before the moved ``COPY .``, and its folder."""
    for s, stage in enumerate(parse(text).stages):
        runs = 0
        seen_copy = False
        cwd = "/"
        for instr in stage.instructions:
            if instr.name == "WORKDIR":
                cwd = clean(posixpath.join(cwd, instr.value[0]))
            if instr.name in ("COPY", "ADD") and clean(instr.value[0]) == "." and seen_copy:
                return s, runs - 1, clean(posixpath.join(cwd, instr.value[-1]))
            if instr.name in ("COPY", "ADD") and instr.sem.flag("from") is None:
                seen_copy = True
            if instr.name == "RUN":
                runs += 1
    raise AssertionError("no moved COPY found")


@pytest.mark.parametrize("case", SPLITS, ids=[c.name for c in SPLITS])
def test_split_keeps_the_files_and_feeds_the_install(case: Case) -> None:
    assert case.context is not None
    before = replay(case.source(), case.context)
    after = replay(case.expected(), case.context)
    assert [fs for fs, _ in before] == [fs for fs, _ in after]  # same files in the same places
    stage, k, dest = install_run(case.expected())
    full = before[stage][1][k]
    seen = after[stage][1][k]
    assert full.run.text == seen.run.text and full.cwd == seen.cwd
    for p in seen.files:  # the first COPY put each file where the whole COPY puts it
        assert full.files.get(p) == seen.files[p]
    checked = 0
    cwd = seen.cwd
    for cmd in script(seen.run).commands:
        if cmd.program == "cd":
            cwd = clean(posixpath.join(cwd, cmd.argv[1].value))
            continue
        found = recognise(cmd)
        if found is None or not found.project:
            continue
        whole = reads(found, cwd, SnapshotFiles(case.context, full.files, dest))
        part = reads(found, cwd, SnapshotFiles(case.context, seen.files, dest))
        assert part.source == () and whole.source == ()
        assert part.files == whole.files and part.files
        checked += 1
    assert checked


# ---- messages ------------------------------------------------------------------------------


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


PY = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"


def test_fix_names_the_files_and_is_safe(tmp_path: Path) -> None:
    ctx = write(tmp_path, {"requirements.txt": "flask\n", "app.py": ""})
    (d,) = sf201(PY, ctx)
    assert d.line == 3
    assert d.fix is not None and d.fix.safety is Safety.SAFE
    assert "`COPY . .` copies the whole build context before `pip install -r requirements.txt`" in d.message
    assert d.message.endswith("copy requirements.txt first")


def test_no_context_is_a_report(tmp_path: Path) -> None:
    (d,) = sf201(PY, None)
    assert d.fix is None
    assert "the build context is unknown" in d.message


def test_dockerfile_specific_ignore_file_wins(tmp_path: Path) -> None:
    ctx = write(tmp_path, {"requirements.txt": "flask\n", ".dockerignore": "", "Dockerfile.dockerignore": "requirements.txt\n"})
    (d,) = sf201(PY, ctx, tmp_path / "Dockerfile")
    assert d.fix is None and "requirements.txt is not in the build context" in d.message
    (d,) = sf201(PY, ctx, tmp_path / "Other.Dockerfile")
    assert d.fix is not None


def test_broken_ignore_file_is_a_report(tmp_path: Path) -> None:
    ctx = write(tmp_path, {"requirements.txt": "flask\n", ".dockerignore": "[\n"})
    (d,) = sf201(PY, ctx)
    assert d.fix is None and "the ignore file cannot be read" in d.message


def test_symlinked_manifest_is_a_report(tmp_path: Path) -> None:
    ctx = write(tmp_path, {"reqs/prod.txt": "flask\n"})
    (ctx / "requirements.txt").symlink_to("reqs/prod.txt")
    (d,) = sf201(PY, ctx)
    assert d.fix is None and "requirements.txt is a symbolic link" in d.message


@pytest.mark.parametrize(
    ("between", "split"),
    [
        ("ENV PIP_NO_CACHE_DIR=1\n", True),
        ("ARG VERSION\nLABEL version=$VERSION\n", True),
        ("RUN apt-get update && apt-get install -y gcc && rm -rf /var/lib/apt/lists/*\n", True),
        ("RUN pip install --upgrade pip\n", True),
        ("RUN python generate.py\n", False),
        ("RUN rm -rf /app/tests\n", False),
        ("VOLUME /app\n", False),
        ("COPY config.yml /app/config.yml\n", False),
        ("WORKDIR /app/src\n", False),  # src comes from the build context
        ("WORKDIR /app/missing\n", True),
    ],
)
def test_steps_between_copy_and_install(tmp_path: Path, between: str, split: bool) -> None:
    ctx = write(tmp_path, {"requirements.txt": "flask\n", "src/app.py": "", "generate.py": "", "config.yml": ""})
    text = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n" + between + "RUN pip install -r /app/requirements.txt\n"
    found = sf201(text, ctx)
    assert bool(found and found[0].fix) is split


@pytest.mark.parametrize(
    ("env", "files", "split"),
    [
        ("ENV VIRTUAL_ENV=/app/venv PATH=/app/venv/bin:$PATH\n", {"venv/pyvenv.cfg": ""}, False),
        ("ENV PATH=/app/venv/bin:$PATH\n", {"venv/pyvenv.cfg": ""}, False),
        ("ENV PATH=/app/venv/bin:$PATH\n", {".dockerignore": "venv\n", "venv/pyvenv.cfg": ""}, True),
        ("ENV HOME=/app\n", {".cache/pip/x": ""}, False),
        ("ENV HOME=/app\n", {}, True),
        ("ENV PYTHONPATH=/app/src\n", {"src/app.py": ""}, True),
    ],
)
def test_environments_and_caches_in_the_context(tmp_path: Path, env: str, files: dict[str, str], split: bool) -> None:
    ctx = write(tmp_path, {"requirements.txt": "flask\n", **files})
    text = "FROM python:3.12-slim\n" + env + "WORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n"
    (d,) = sf201(text, ctx)
    assert (d.fix is not None) is split, d.message


def test_home_folder_as_destination(tmp_path: Path) -> None:
    ctx = write(tmp_path, {"requirements.txt": "flask\n", ".local/bin/tool": ""})
    text = "FROM python:3.12-slim\nUSER app\nWORKDIR /home/app\nCOPY . .\nRUN pip install --user -r requirements.txt\n"
    (d,) = sf201(text, ctx)
    assert d.fix is None and "the build context has .local" in d.message


def test_heredoc_install_is_a_report(tmp_path: Path) -> None:
    ctx = write(tmp_path, {"requirements.txt": "flask\n"})
    text = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN <<EOT\nset -e\npip install -r requirements.txt\nEOT\n"
    (d,) = sf201(text, ctx)
    assert d.fix is None and "here-document" in d.message and "`pip install -r requirements.txt`" in d.message


def test_copy_to_the_root_is_left_alone(tmp_path: Path) -> None:
    ctx = write(tmp_path, {"go.mod": "module x\n", "go.sum": ""})
    assert sf201("FROM golang:1.22\nCOPY . .\nRUN go mod download\n", ctx) == []


def test_variable_in_copy_does_not_move_past_env(tmp_path: Path) -> None:
    ctx = write(tmp_path, {"requirements.txt": "flask\n"})
    text = "FROM python:3.12-slim\nWORKDIR /app\nCOPY --chown=$UID . .\nENV UID=1000\nRUN pip install -r requirements.txt\n"
    assert sf201(text, ctx) == []


def test_later_stage_inherits_the_workdir(tmp_path: Path) -> None:
    ctx = write(tmp_path, {"requirements.txt": "flask\n"})
    text = "FROM python:3.12-slim AS base\nWORKDIR /srv\n\nFROM base\nCOPY . .\nRUN pip install -r requirements.txt\n"
    out = fix_text(text, settings(ctx)).output
    assert "COPY requirements.txt ./\nRUN pip install -r requirements.txt\nCOPY . .\n" in out


def test_install_as_last_line_without_newline(tmp_path: Path) -> None:
    ctx = write(tmp_path, {"requirements.txt": "flask\n"})
    out = fix_text(PY.rstrip("\n"), settings(ctx)).output
    assert out == "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt ./\nRUN pip install -r requirements.txt\nCOPY . ."


def test_tutorial_with_layer_order_and_workdir_reaches_a_fixed_point() -> None:
    case = Case(FOLDER / "tutorial.before.Dockerfile")
    s = case.settings().replace(select=frozenset({"SF201", "SF202", "SF403"}))
    out = fix_text(case.source(), s, case.before).output
    assert fix_text(out, s, case.before).output == out
    lines = out.splitlines()
    manifest = lines.index("COPY requirements.txt /app/")
    install = next(i for i, line in enumerate(lines) if "pip install" in line)
    assert manifest < install < lines.index("COPY . /app")
    assert sum(1 for line in lines if line.startswith("COPY")) == 2


# ---- destination spelling ------------------------------------------------------------------

_SEGMENT = st.sampled_from(["app", "srv", "my-app", ".", "code"])


@given(
    absolute=st.booleans(),
    parts=st.lists(_SEGMENT, min_size=0, max_size=3),
    tail=st.sampled_from(["", "/", "/."]),
    cwd=st.sampled_from(["/", "/work", "/a/b"]),
    sub=st.sampled_from(["", "requirements", "deps/py"]),
)
def test_manifest_destination_is_the_same_folder(absolute: bool, parts: list[str], tail: str, cwd: str, sub: str) -> None:
    dest = ("/" if absolute else "") + "/".join(parts) + tail if absolute or parts else "." + tail
    prefix = _dest_prefix(dest) + (sub + "/" if sub else "")
    assert prefix.endswith("/")
    want = clean(posixpath.join(cwd, dest, sub))
    assert clean(posixpath.join(cwd, prefix)) == want
    assert prefix.startswith("/") == dest.startswith("/")


def test_the_context_is_read_only_for_a_whole_context_copy(tmp_path: Path, monkeypatch) -> None:
    """Looking up the ignore file costs file-system calls on every pass: only a `COPY . DEST` needs it."""
    from slimfix.transforms import sf201_whole_context_before_install as module

    read: list[Path] = []
    real = module._context
    monkeypatch.setattr(module, "_context", lambda ctx: read.append(ctx.settings.context) or real(ctx))
    assert sf201("FROM python:3.12\nCOPY requirements.txt /app/\nRUN pip install -r /app/requirements.txt\n", tmp_path) == []
    assert read == []
    (tmp_path / "requirements.txt").write_text("flask\n")
    sf201("FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCOPY . /srv\n", tmp_path)
    assert read == [tmp_path]  # once, for both copies
