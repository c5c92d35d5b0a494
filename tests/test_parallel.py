"""The process-pool batch path prints, writes and exits exactly as the single-process path.

A generated corpus of about 200 Dockerfiles (``bench/gen_corpus.py``) plus broken ones (a
syntax error, non-UTF-8 bytes, a NUL byte, a missing path) is run twice through
``runner.run``: once with ``SLIMFIX_JOBS=1`` (serial) and once with a pool of workers.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from slimfix.runner import Mode, Options, prefetch, run

ROOT = Path(__file__).resolve().parents[1]
BAD = {
    "bad-heredoc.Dockerfile": b"FROM debian\nRUN <<EOF\necho hi\n",
    "bad-instruction.Dockerfile": b"FROM debian\nFOO bar\n",
    "bad-latin1.Dockerfile": b"FROM debian\nLABEL author=\"Jos\xe9\"\n",
    "bad-binary.Dockerfile": b"FROM debian\n\0\0\0",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    flat = root / "flat"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "gen_corpus.py"), "--count", "200", "--out", str(flat)],
        check=True,
        capture_output=True,
    )
    for name, data in BAD.items():
        (flat / name).write_bytes(data)
    nested = root / "tree" / "svc"  # a folder argument, found by discovery
    nested.mkdir(parents=True)
    for k, f in enumerate(sorted(flat.iterdir())[:12]):
        (nested.parent / f"app{k}").mkdir()
        shutil.copyfile(f, nested.parent / f"app{k}" / "Dockerfile")
    return root


def _paths(root: Path) -> list[str]:
    files = sorted(str(p) for p in (root / "flat").iterdir())
    return [*files, str(root / "tree"), str(root / "missing" / "Dockerfile")]


def _run(options: Options, jobs: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    monkeypatch.setenv("SLIMFIX_JOBS", jobs)
    out, err = io.StringIO(), io.StringIO()
    code = run(options, out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_the_pool_is_used_for_many_files_and_not_for_one(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLIMFIX_JOBS", "2")
    futures = prefetch(Options(paths=_paths(corpus), mode=Mode.CHECK))
    assert futures is not None and len(futures) == 200 + len(BAD) + 12
    for future, index in futures.values():
        future.result()[index]
    futures.close()
    assert prefetch(Options(paths=_paths(corpus)[:1], mode=Mode.CHECK)) is None
    monkeypatch.setenv("SLIMFIX_JOBS", "1")
    assert prefetch(Options(paths=_paths(corpus), mode=Mode.CHECK)) is None


@pytest.mark.parametrize(
    "mode, extra",
    [
        (None, {"unsafe_fixes": True}),  # --diff, with the unfixed findings on stderr
        (Mode.CHECK, {"output_format": "json"}),
    ],
    ids=["diff-unsafe", "check-json"],
)
def test_pool_output_is_byte_identical(corpus: Path, monkeypatch: pytest.MonkeyPatch, mode, extra) -> None:
    options = Options(paths=_paths(corpus), mode=mode, **extra)
    serial = _run(options, "1", monkeypatch)
    pooled = _run(options, "2", monkeypatch)
    assert serial[0] == 2  # the broken files and the missing path
    for name in BAD:
        assert name in serial[2]
    assert len(serial[1]) + len(serial[2]) > 10_000  # a real report, not an empty one
    assert pooled == serial


def test_pool_write_gives_the_same_files(tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    results = []
    for jobs in ("1", "2"):
        copy = tmp_path / f"jobs{jobs}"
        shutil.copytree(corpus / "flat", copy)
        paths = sorted(str(p) for p in copy.iterdir() if p.suffix == ".Dockerfile")
        code, out, err = _run(Options(paths=paths, mode=Mode.WRITE), jobs, monkeypatch)
        files = {p.name: p.read_bytes() for p in sorted(copy.iterdir())}
        results.append((code, out, err.replace(str(copy), "<dir>"), files))
    assert results[0][3] != {p.name: p.read_bytes() for p in (corpus / "flat").iterdir()}  # it wrote
    assert results[1] == results[0]


def test_the_pool_is_shut_down_before_run_returns(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Left to the interpreter's exit, the pool's manager thread could close its wake-up pipe
    first: about one pooled run in two printed an ignored ``OSError: [Errno 9]`` traceback."""
    import threading
    from concurrent.futures.process import _ExecutorManagerThread

    code, _, err = _run(Options(paths=_paths(corpus), mode=Mode.CHECK, quiet=True), "2", monkeypatch)
    assert code == 2 and "Traceback" not in err  # 2: the corpus holds broken files
    assert not [t for t in threading.enumerate() if isinstance(t, _ExecutorManagerThread)]

