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
    per_task = {}
    for count in (10, 400):
        _Counting.sent.clear()
        found = prefetch(Options(paths=paths[:count], mode=Mode.CHECK, quiet=True))
        assert found is not None and len(found) == count
        results = [f.result() for f in found.values()]
        assert all(r is not None and r[1] is not None and r[1].changed for r in results)
        assert len(_Counting.sent) == count
        per_task[count] = max(_Counting.sent)
    assert per_task[400] <= per_task[10] + 16  # one path each, whatever the run's length


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
