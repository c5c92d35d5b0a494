"""A run rests the cycle collector while it works, and gives it back as it found it."""

import gc
import io

import pytest

from slimfix import runner


@pytest.mark.parametrize("was_enabled", [True, False])
def test_run_pauses_the_collector(monkeypatch, tmp_path, was_enabled: bool) -> None:
    seen = []

    def fake_run(options, stdin, out, err):
        seen.append(gc.isenabled())
        return 0

    monkeypatch.setattr(runner, "_run", fake_run)
    (tmp_path / "Dockerfile").write_text("FROM alpine\n")
    before = gc.isenabled()
    try:
        gc.enable() if was_enabled else gc.disable()
        assert runner.run(runner.Options(paths=[str(tmp_path / "Dockerfile")]), out=io.StringIO(), err=io.StringIO()) == 0
        assert gc.isenabled() is was_enabled
    finally:
        gc.enable() if before else gc.disable()
    assert seen == [False]


def test_run_gives_the_collector_back_after_an_error(monkeypatch, tmp_path) -> None:
    def failing(options, stdin, out, err):
        raise RuntimeError("boom")

    monkeypatch.setattr(runner, "_run", failing)
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        runner.run(runner.Options(paths=["x"]), out=io.StringIO(), err=io.StringIO())
    assert gc.isenabled()


def test_worker_pauses_the_collector(monkeypatch) -> None:
    monkeypatch.setattr(runner, "keep_reads", lambda keep: None)
    monkeypatch.setattr(runner, "_worker_options", None)
    assert gc.isenabled()
    try:
        runner._start_pool_worker(True, runner.Options(paths=[]))
        assert not gc.isenabled()
    finally:
        gc.enable()
