"""The process pool's work per file does not grow with the number of files in the run (issue #7).

Not a timed test: it measures what each task sends to a worker.  The run's options used to go
with every task, paths and all, so a run of n files pickled n times a list of n paths.
"""

from __future__ import annotations

import pickle
from concurrent import futures as cf
from pathlib import Path

import pytest

from slimfix import runner
from slimfix.buildcontext import run_cache
from slimfix.runner import Mode, Options, prefetch

SRC = "FROM python:3.12-slim\nRUN pip install flask\n"


class _Counting(cf.ProcessPoolExecutor):
    sent: list[int] = []

    def submit(self, fn, /, *args, **kwargs):
        _Counting.sent.append(len(pickle.dumps((fn, args, kwargs))))
        return super().submit(fn, *args, **kwargs)


def _projects(root: Path, count: int) -> list[str]:
    paths = []
    for k in range(count):
        folder = root / f"project-with-a-long-name-{k:05d}"
        folder.mkdir()
        (folder / "Dockerfile").write_text(SRC)
        paths.append(str(folder / "Dockerfile"))
    return paths


def test_a_task_does_not_carry_the_runs_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLIMFIX_JOBS", "2")
    monkeypatch.setattr(cf, "ProcessPoolExecutor", _Counting)
    paths = _projects(tmp_path, 400)
    per_file = {}
    for count in (10, 400):
        _Counting.sent.clear()
        found = prefetch(Options(paths=paths[:count], mode=Mode.CHECK, quiet=True))
        assert found is not None and len(found) == count
        results = [future.result()[index] for future, index in found.values()]
        assert all(r is not None and r[1] is not None and r[1].changed for r in results)
        assert len(_Counting.sent) == -(-count // max(1, min(runner.CHUNK_FILES, count // 16)))  # 2 jobs
        per_file[count] = sum(_Counting.sent) / count
        found.close()
    assert per_file[400] <= per_file[10] + 16  # its own path, whatever the run's length


def test_tasks_carry_a_few_files_each_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLIMFIX_JOBS", "2")
    paths = _projects(tmp_path, 100)
    found = prefetch(Options(paths=paths, mode=Mode.CHECK, quiet=True))
    try:
        tasks: dict[int, list[int]] = {}
        for k, (key, (future, index)) in enumerate(found.items()):
            assert key == (Path(paths[k]), None)
            tasks.setdefault(id(future), []).append(index)
        # 100 files, 2 workers: tasks of 100 // 16 = 6 files (at most CHUNK_FILES), the last one shorter
        assert [len(v) for v in tasks.values()] == [6] * 16 + [4]
        assert all(v == list(range(len(v))) for v in tasks.values())
        assert all(runner._prefetched(found, Path(p), None)[1].changed for p in paths) and not found
    finally:
        found.close()


def test_a_worker_gets_the_runs_options_once(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(SRC)
    options = Options(paths=[], mode=Mode.CHECK, unsafe_fixes=True, select=frozenset({"SF102"}))
    with run_cache(on=False):  # puts back whatever the worker's start-up sets
        runner._start_worker(True, options)
        try:
            settings, result, needs = runner._fix_in_worker(tmp_path / "Dockerfile", None)
        finally:
            runner._worker_options = None
    assert settings.unsafe_fixes and settings.select == frozenset({"SF102"})
    assert [d.code for d in result.found] == ["SF102"] and needs == {}  # no build context: nothing kept
