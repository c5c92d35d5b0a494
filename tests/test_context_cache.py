"""One run's reads of its build contexts (``buildcontext.run_cache``), and what the runner keeps.

A batch run checks many Dockerfiles against one context: inside ``run_cache`` the context is
scanned once per ignore-rule set, and ``forget`` (called after every write) makes the next
read fresh.  Outside a run (the language server, the library) nothing is kept.  The runner's
results must be the same with and without the cache.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from slimfix import buildcontext, context_fix, runner, side_files
from slimfix.buildcontext import context_size, forget, propose, run_cache
from slimfix.context_fix import plan_dockerignore
from slimfix.cst import parse
from slimfix.dockerignore import Matcher, parse_dockerignore
from slimfix.engine import Settings, check_text, fix_text
from slimfix.runner import Mode, Options, run

DOCKERFILES = {
    "Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n",
    "api.Dockerfile": "FROM python:3.12-slim\nCOPY requirements.txt /app/\nCOPY src /app/src\n",
    "web.Dockerfile": "FROM node:20\nWORKDIR /web\nCOPY . .\nRUN npm ci\n",
    "data.Dockerfile": "FROM debian:12\nCOPY data/big.bin /data/\nRUN apt-get update && apt-get install -y curl\n",
    "git.Dockerfile": "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build ./...\n",
    "other/vars.Dockerfile": "FROM alpine\nARG SRC\nCOPY $SRC /x\n",  # its own context: other/
}


def make_context(root: Path) -> Path:
    """A context shared by several Dockerfiles, holding something of every category."""
    (root / "other").mkdir(parents=True)
    for name, text in DOCKERFILES.items():
        (root / name).write_text(text)
    (root / "requirements.txt").write_text("flask\n")
    (root / "src").mkdir()
    (root / "src" / "app.py").write_text("print('hi')\n")
    (root / "src" / "__pycache__").mkdir()
    (root / "src" / "__pycache__" / "app.cpython-312.pyc").write_bytes(b"\0" * 100)
    (root / ".git" / "objects").mkdir(parents=True)
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / ".venv").mkdir()
    (root / ".venv" / "pyvenv.cfg").write_text("home = /usr\n")
    (root / "node_modules" / "left-pad").mkdir(parents=True)
    (root / "node_modules" / "left-pad" / "index.js").write_text("module.exports = 1\n")
    (root / "data").mkdir()
    (root / "data" / "big.bin").write_bytes(b"\1" * (buildcontext.LARGE_FILE_BYTES + 1))
    (root / "model.bin").write_bytes(b"\2" * (buildcontext.LARGE_FILE_BYTES + 1))
    (root / ".env").write_text("TOKEN=x\n")
    (root / ".DS_Store").write_bytes(b"\0")
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every context scan ``propose`` really does."""
    done: list[Path] = []
    real = buildcontext._scan

    def counting(root, *args):
        done.append(root)
        return real(root, *args)

    monkeypatch.setattr(buildcontext, "_scan", counting)
    return done


def _propose(root: Path, ignore: str = "") -> list[buildcontext.Proposal]:
    return propose(root, parse_dockerignore(ignore), ["requirements.txt"])


# ---- the cache itself --------------------------------------------------------------------------


def test_outside_a_run_every_call_reads_the_context(tmp_path: Path, scans: list[Path]) -> None:
    root = make_context(tmp_path / "ctx")
    first = _propose(root)
    (root / "src" / "extra.pyc").write_bytes(b"\0")
    second = _propose(root)
    assert len(scans) == 2
    assert "src/extra.pyc" not in {p.pattern for p in first}
    assert first != second  # the new file is seen at once: the language server needs this


def test_a_run_scans_a_context_once_until_something_is_written(tmp_path: Path, scans: list[Path]) -> None:
    root = make_context(tmp_path / "ctx")
    with run_cache():
        first = _propose(root)
        assert _propose(root) == first
        assert len(scans) == 1
        (root / "cache.pyc").write_bytes(b"\0")
        forget()  # what the runner calls after each write
        second = _propose(root)
        assert len(scans) == 2
    assert second == _propose(root) != first  # the same as a fresh read, and the new file is in it
    assert "*.pyc" in {p.pattern for p in second}


def test_other_ignore_rules_are_another_scan(tmp_path: Path, scans: list[Path]) -> None:
    root = make_context(tmp_path / "ctx")
    with run_cache():
        without = _propose(root)
        (root / ".dockerignore").write_text(".git\n.venv\n")
        with_rules = _propose(root, ".git\n.venv\n")
        assert len(scans) == 2
    assert {".git", ".venv"} <= {p.pattern for p in without}
    assert not {".git", ".venv"} & {p.pattern for p in with_rules}
    assert with_rules == _propose(root, ".git\n.venv\n")


def test_context_size_is_kept_per_rule_set(tmp_path: Path) -> None:
    root = make_context(tmp_path / "ctx")
    none, git = Matcher([]), Matcher(parse_dockerignore(".git\n"))
    with run_cache():
        sizes = (context_size(root, none), context_size(root, git))
        (root / "new.txt").write_text("new\n")
        assert (context_size(root, none), context_size(root, git)) == sizes  # kept: nothing was forgotten
        forget()
        assert context_size(root, none) == (sizes[0][0] + 1, sizes[0][1] + 4)
    assert sizes[0][0] == sizes[1][0] + 1  # .git/HEAD


def test_run_cache_off_keeps_nothing_and_the_block_restores(tmp_path: Path, scans: list[Path]) -> None:
    root = make_context(tmp_path / "ctx")
    with run_cache():
        with run_cache(on=False):
            _propose(root)
            _propose(root)
        assert len(scans) == 2
        _propose(root)
        _propose(root)
        assert len(scans) == 3
    assert buildcontext._kept is None


def test_a_pool_worker_keeps_reads_only_when_the_run_writes_nothing() -> None:
    options = Options(paths=[], mode=Mode.CHECK)
    with run_cache(on=False):  # puts back whatever the workers' start-up sets
        try:
            runner._start_worker(True, options)
            assert buildcontext._kept == {}
            runner._start_worker(False, options)
            assert buildcontext._kept is None
        finally:
            runner._worker_options = None


# ---- whole runs: the same results with and without the cache ----------------------------------


def _run(paths: list[str], mode: Mode, **flags) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(Options(paths=paths, mode=mode, **flags), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("unsafe", [False, True])
@pytest.mark.parametrize("mode", [Mode.CHECK, Mode.DIFF, Mode.WRITE])
def test_runs_give_the_same_results_with_and_without_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scans: list[Path], mode: Mode, unsafe: bool
) -> None:
    monkeypatch.setenv("SLIMFIX_JOBS", "1")
    results = {}
    for cached in (True, False):
        root = make_context(tmp_path / f"cached-{cached}")
        if not cached:
            monkeypatch.setattr(runner, "run_cache", lambda: contextlib.nullcontext())
        del scans[:]
        code, out, err = _run([str(root)], mode, unsafe_fixes=unsafe)
        out, err = out.replace(str(root), "CTX"), err.replace(str(root), "CTX")
        results[cached] = (code, out, err, snapshot(root), len(scans))
    (code, out, err, files, cached_scans), (*uncached, uncached_scans) = results[True], results[False]
    assert (code, out, err, files) == tuple(uncached)
    assert "SF001" in out + err
    assert cached_scans < uncached_scans
    if mode is Mode.WRITE:
        assert b"# added by slimfix" in files[".dockerignore"]


@pytest.mark.parametrize("mode", [Mode.CHECK, Mode.DIFF])
def test_pool_workers_give_the_serial_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: Mode) -> None:
    """Workers keep their scans when the run writes nothing as it goes.

    (Under --write the main process rewrites Dockerfiles while workers still read the context,
    so SF001's file counts can see a half-written file: a race older than the cache.)
    """
    results = []
    for jobs in ("1", "2"):
        root = make_context(tmp_path / f"jobs{jobs}")
        for k in range(runner.PARALLEL_MIN_FILES):
            (root / f"more{k}.Dockerfile").write_text(DOCKERFILES[list(DOCKERFILES)[k % 3]])
        monkeypatch.setenv("SLIMFIX_JOBS", jobs)
        code, out, err = _run([str(root)], mode)
        results.append((code, out.replace(str(root), "CTX"), err.replace(str(root), "CTX"), snapshot(root)))
    assert results[0] == results[1]
    assert "SF001" in results[0][1] + results[0][2]


def _large_after_its_fix(folder: Path) -> Path:
    """A Dockerfile just under the large-file size that its own fix makes larger than it."""
    head, tail = "FROM debian:12\n", "RUN apt-get update && apt-get install -y --no-install-recommends curl\n"
    body = buildcontext.LARGE_FILE_BYTES - 10 - len(head) - len(tail)
    path = folder / "A.Dockerfile"
    path.write_text(head + "# " + "x" * (body - 3) + "\n" + tail)
    return path


def test_a_dockerfile_written_during_the_run_is_seen_by_the_next_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """C reads the context before A is rewritten; B after, and must see A grown past 1 MiB."""
    monkeypatch.setenv("SLIMFIX_JOBS", "1")
    root = tmp_path / "ctx"
    root.mkdir()
    big = _large_after_its_fix(root)
    for name in ("B.Dockerfile", "C.Dockerfile"):
        (root / name).write_text("FROM python:3.12\nCOPY . /app\n")
    assert big.stat().st_size <= buildcontext.LARGE_FILE_BYTES
    code, _, err = _run([str(root / n) for n in ("C.Dockerfile", "A.Dockerfile", "B.Dockerfile")], Mode.WRITE)
    assert code == 0, err
    assert big.stat().st_size > buildcontext.LARGE_FILE_BYTES
    assert " SF001 " not in err.split(f"fixed 1 finding(s) in {big}")[0]  # C saw a small A
    assert f"{root / 'B.Dockerfile'}:2:1: SF001 " in err
    assert (root / ".dockerignore").read_text().endswith("# large file (1.0 MiB)\nA.Dockerfile\n")


def test_a_written_dockerignore_is_seen_in_the_same_run(tmp_path: Path) -> None:
    """SF001 after the ignore file is written, in the same run: the new rules are another key."""
    root = make_context(tmp_path / "ctx")
    path, text = root / "Dockerfile", DOCKERFILES["Dockerfile"]
    settings = Settings(context=root)

    def sf001() -> list[str]:
        return [d.message for d in check_text(text, settings, path) if d.code == "SF001"]

    with run_cache():
        (before,) = sf001()
        change = plan_dockerignore(root, [(path, parse(text))], settings)
        assert change is not None
        (root / ".dockerignore").write_text(change.new_text)
        after = sf001()
    assert after == sf001() != [before]  # as a fresh read sees it
    assert before.startswith("the build context sends what the image does not need: .git")


# ---- what the runner keeps until the end --------------------------------------------------------


def test_side_files_parse_only_the_groups_they_plan_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLIMFIX_JOBS", "1")
    parsed: list[str] = []
    for module in (side_files, context_fix):
        monkeypatch.setattr(module, "parse", lambda text: parsed.append(text) or parse(text))
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "Dockerfile").write_text("FROM alpine\nCOPY . /x\n")
    assert _run([str(clean / "Dockerfile")], Mode.CHECK)[0] == 0
    assert parsed == []  # nothing to propose: the texts were never parsed again
    root = make_context(tmp_path / "ctx")
    code, _, err = _run([str(root / "Dockerfile"), str(root / "api.Dockerfile")], Mode.CHECK)
    assert code == 1 and f"would rewrite {root / '.dockerignore'}" in err
    # planned for, with the needs the check found: the texts it checked are not parsed again
    assert DOCKERFILES["Dockerfile"] not in parsed and DOCKERFILES["api.Dockerfile"] not in parsed
    assert set(parsed) >= {DOCKERFILES["web.Dockerfile"], DOCKERFILES["git.Dockerfile"]}  # not checked


def test_results_keep_no_tree_nodes(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("FROM debian:12\nRUN apt-get update && apt-get install -y curl\nCOPY . /app\n")
    _, result = runner.fix_file(path, Options(paths=[str(path)]))
    assert result is not None and result.found and result.applied
    assert all(d.instruction is None for d in [*result.found, *result.applied, *result.remaining])


def test_one_dockerfile_in_each_folder_keeps_few_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLIMFIX_JOBS", "1")
    sizes = []
    real = buildcontext.kept

    def watch(root, key, compute):
        sizes.append(len(buildcontext._kept or ()))
        return real(root, key, compute)

    monkeypatch.setattr(buildcontext, "kept", watch)
    paths = []
    for k in range(buildcontext._KEEP + 10):
        (tmp_path / str(k)).mkdir()
        (tmp_path / str(k) / "Dockerfile").write_text("FROM alpine\nCOPY . /x\n")
        (tmp_path / str(k) / ".DS_Store").write_bytes(b"")
        paths.append(str(tmp_path / str(k) / "Dockerfile"))
    _run(paths, Mode.CHECK)
    assert max(sizes) == buildcontext._KEEP  # bounded: a run over many folders stays flat


def test_scans_skip_write_atomic_temporary_files_and_entries_gone_since_the_listing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under --write the pool's workers scan a context while the main process writes into it."""
    from slimfix import dockerignore
    from slimfix.io import is_temp_name, write_atomic

    (tmp_path / "app.py").write_text("print(1)\n")
    (tmp_path / ".Dockerfile.k2j4.slimfix").write_bytes(b"x" * (2 * buildcontext.LARGE_FILE_BYTES))
    assert is_temp_name(".Dockerfile.k2j4.slimfix") and not is_temp_name("Dockerfile.slimfix")
    assert context_size(tmp_path, Matcher([])) == (1, len("print(1)\n"))
    assert propose(tmp_path, [], []) == []  # the 2 MiB temporary file is not a "large file"
    seen = []
    real = dockerignore.os.scandir

    class Vanishing:  # the listing names a file that is renamed away before its stat
        def __init__(self, path):
            self.inner = real(path)

        def __enter__(self):
            entries = list(self.inner.__enter__())
            (tmp_path / "gone.txt").unlink(missing_ok=True)
            seen.append(len(entries))
            return iter(entries)

        def __exit__(self, *exc):
            return self.inner.__exit__(*exc)

    (tmp_path / "gone.txt").write_text("soon gone\n")
    monkeypatch.setattr(dockerignore.os, "scandir", Vanishing)
    assert context_size(tmp_path, Matcher([])) == (1, len("print(1)\n"))
    assert seen
    import tempfile

    made = []
    mkstemp = tempfile.mkstemp
    monkeypatch.setattr(tempfile, "mkstemp", lambda **kw: made.append(mkstemp(**kw)) or made[-1])
    write_atomic(tmp_path / "app.py", "print(2)\n")
    assert made and is_temp_name(Path(made[0][1]).name)  # the writer's temporary names are the skipped ones


def test_needs_are_kept_per_text_for_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check's needs serve the run's ignore-file plan; a write into the context drops them."""
    root = make_context(tmp_path)
    computed: list[str] = []
    real = context_fix._needs_of
    monkeypatch.setattr(context_fix, "_needs_of", lambda df, ctx: computed.append(df.code) or real(df, ctx))
    text = DOCKERFILES["Dockerfile"]
    with run_cache():
        first = context_fix.needs_of(parse(text), root)
        assert context_fix.needs_of(text, root) is first  # the text alone finds it: not parsed
        assert len(computed) == 1
        context_fix.needs_of(text, tmp_path / "other")  # another context: its own answer
        assert len(computed) == 2
        forget()
        (root / "requirements.txt").write_text("flask\n-r more.txt\n")
        (root / "more.txt").write_text("gunicorn\n")
        again = context_fix.needs_of(text, root)
        assert len(computed) == 3 and "more.txt" in again.paths and "more.txt" not in first.paths
    context_fix.needs_of(text, root)
    context_fix.needs_of(text, root)
    assert len(computed) == 5  # outside a run nothing is kept


def test_needs_a_worker_sends_spare_the_parent_its_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A pool worker checks; the parent plans the ignore file with the needs the worker sent."""
    root = make_context(tmp_path)
    path = root / "Dockerfile"
    settings = Settings(context=root)
    with run_cache():  # the worker
        result = fix_text(DOCKERFILES["Dockerfile"], settings, path)
        sent = side_files.needs_seen(settings, result)
    assert set(sent) == {result.source, result.output}
    parsed: list[str] = []
    monkeypatch.setattr(context_fix, "parse", lambda text: parsed.append(text) or parse(text))
    with run_cache():  # the parent, which never checked the file
        side = side_files.SideFiles()
        side.add(path, settings, result, sent)
        change = plan_dockerignore(root, side.groups[(root / ".dockerignore").resolve()].texts, settings)
    assert parsed == [] and change is not None
    with run_cache():  # without them, the same plan from a parse of each text
        side = side_files.SideFiles()
        side.add(path, settings, result)
        assert plan_dockerignore(root, side.groups[(root / ".dockerignore").resolve()].texts, settings) == change
    assert sorted(parsed) == sorted({result.source, result.output})
    with run_cache(on=False):  # a worker that keeps nothing (--write) sends nothing
        assert side_files.needs_seen(settings, fix_text(DOCKERFILES["Dockerfile"], settings, path)) == {}


def test_kept_needs_hold_no_extra_copy_of_a_text(tmp_path: Path) -> None:
    root = make_context(tmp_path)
    path = root / "Dockerfile"
    settings = Settings(context=root)
    with run_cache():
        result = fix_text(DOCKERFILES["Dockerfile"], settings, path)
        side_files.SideFiles().add(path, settings, result)
        known = context_fix.kept_needs(root)
        assert all(any(key is text for text in (result.source, result.output)) for key in known)
