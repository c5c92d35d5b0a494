"""The oracle for windowed checking (issue #7: peak memory of a large file).

``check_tree`` checks a large file a window of stages at a time and lets each window's views
go.  Whatever the window, the results must be the same: here every input is checked and fixed
with one stage per window and with the whole file in one window, and the diagnostics (code,
message, spans, fixes and their safety) and the fixed text must be identical.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from golden import cases, materialise
from hypothesis import HealthCheck, given, settings
from strategies import dockerfiles

from slimfix import engine, parse
from slimfix.engine import Settings, check_tree, fix_text
from slimfix.errors import SlimfixError

ROOT = Path(__file__).resolve().parents[1]
WHOLE = 10**9


def _generated(count: int) -> list[str]:
    spec = importlib.util.spec_from_file_location("gen_corpus", ROOT / "bench" / "gen_corpus.py")
    gen = importlib.util.module_from_spec(spec)
    sys.modules["gen_corpus"] = gen
    spec.loader.exec_module(gen)
    return [data.decode("utf-8") for _, data in gen.generate(11, count)]


def _joined(texts: list[str], per_file: int) -> list[str]:
    """The texts joined ``per_file`` at a time into long multi-stage files (as bench/run.py's
    ``big_text`` joins the corpus: Windows-style files, with their escape directive, left out)."""
    linux = [t if t.endswith("\n") else t + "\n" for t in texts if "escape=" not in t]
    return ["".join(linux[k : k + per_file]) for k in range(0, len(linux), per_file)]


def _outcome(text: str, settings: Settings, window: int, monkeypatch: pytest.MonkeyPatch) -> tuple:
    monkeypatch.setattr(engine, "WINDOW", window)
    try:
        diagnostics = check_tree(parse(text), settings)
        result = fix_text(text, settings)
    except SlimfixError as exc:
        return ("refused", type(exc).__name__, str(exc))
    # Diagnostic equality compares code, message, spans, positions and the fix (edits, safety, title)
    return diagnostics, result.output, result.applied, result.remaining, result.found


def _same(text: str, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = _outcome(text, settings, WHOLE, monkeypatch)
    stagewise = _outcome(text, settings, 1, monkeypatch)
    assert stagewise == whole


SETTINGS = [
    Settings(),
    Settings(unsafe_fixes=True),
    Settings(unsafe_fixes=True, cache="mounts"),
]


@pytest.mark.parametrize("case", cases(), ids=lambda c: f"{c.before.parent.name}/{c.name}")
def test_golden_inputs_give_the_same_results_stage_by_stage(case, tmp_path, monkeypatch) -> None:
    settings = case.settings()
    if settings.context is not None:
        settings = settings.replace(context=materialise(settings.context, tmp_path / "context"))
    _same(case.source(), settings, monkeypatch)
    _same(case.source(), Settings(unsafe_fixes=True, cache="mounts", context=settings.context), monkeypatch)


@pytest.mark.parametrize("app", sorted((ROOT / "tests" / "e2e" / "apps").glob("*/Dockerfile")), ids=lambda p: p.parent.name)
def test_sample_apps_give_the_same_results_stage_by_stage(app: Path, monkeypatch) -> None:
    for settings in SETTINGS:
        _same(app.read_text(encoding="utf-8"), settings.replace(context=app.parent), monkeypatch)


def test_joined_generated_files_give_the_same_results_stage_by_stage(monkeypatch) -> None:
    texts = _generated(240)
    joined = _joined(texts, 12)
    assert len(joined) >= 15 and all(len(parse(t).stages) > 12 for t in joined)
    for text in joined:
        for settings in SETTINGS:
            _same(text, settings, monkeypatch)
    for text in texts[:60]:  # one file at a time too (the Windows-style ones included)
        _same(text, Settings(unsafe_fixes=True), monkeypatch)


def test_windows_are_runs_of_whole_stages() -> None:
    df = parse("ARG A\nFROM a AS one\nRUN x\nRUN y\nFROM one\nRUN z\nFROM b\n")
    assert engine._windows(df.stages, 10**9) == [range(0, 4)]
    assert engine._windows(df.stages, 1) == [range(k, k + 1) for k in range(4)]
    assert engine._windows(df.stages, 3) == [range(0, 2), range(2, 4)]
    assert engine._windows((), 3) == [range(0, 0)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(dockerfiles())
def test_generated_files_give_the_same_results_stage_by_stage(text: str) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        for settings in SETTINGS:
            _same(text, settings, monkeypatch)


CROSS_STAGE = """\
FROM python:3.12-slim AS base
WORKDIR /app
ENV PATH=/root/.local/bin:$PATH
SHELL ["/bin/bash", "-c"]
FROM base AS build
COPY . .
RUN pip install -r requirements.txt
CMD python app.py
FROM build
WORKDIR srv
RUN pip install --user flask
"""


def test_what_a_stage_inherits_from_an_earlier_window_is_carried(tmp_path, monkeypatch) -> None:
    (tmp_path / "requirements.txt").write_text("flask\n")
    (tmp_path / "app.py").write_text("print(1)\n")
    for settings in SETTINGS:
        _same(CROSS_STAGE, settings.replace(context=tmp_path), monkeypatch)
    monkeypatch.setattr(engine, "WINDOW", 1)
    found = check_tree(parse(CROSS_STAGE), Settings(context=tmp_path))
    assert {"SF201", "SF401", "SF403"} <= {d.code for d in found}


def test_a_large_file_holds_the_views_of_one_window_at_a_time(monkeypatch) -> None:
    """Counted with tracemalloc, not timed: with every view kept the check's peak is about 40
    bytes per byte of the file; a window at a time, about 11 (the views of one window, the
    per-tree indexes and the diagnostics)."""
    import tracemalloc

    text = "".join(_joined(_generated(100), 100))
    assert len(text) > 200_000
    check_tree(parse(text), Settings())  # the bounded caches (shell views, effects...) fill up

    def peak(window: int) -> int:
        monkeypatch.setattr(engine, "WINDOW", window, raising=False)
        df = parse(text)
        df.stages, df.code  # noqa: B018 - the tree's own parts, before counting
        tracemalloc.start()
        try:
            base = tracemalloc.get_traced_memory()[0]
            check_tree(df, Settings())
            return tracemalloc.get_traced_memory()[1] - base
        finally:
            tracemalloc.stop()

    windowed, whole = peak(300), peak(WHOLE)
    assert windowed < 20 * len(text) < whole


def test_a_parsed_large_file_keeps_no_views_until_checked() -> None:
    from slimfix.cst.nodes import VIEWS_KEPT
    from slimfix.shell import script

    small = parse("FROM a\n" + "RUN x\n" * (VIEWS_KEPT - 1))
    large = parse("FROM a\n" + "RUN x\n" * VIEWS_KEPT)
    assert all(i.keeps_views for i in small.instructions)
    assert not any(i.keeps_views for i in large.instructions)
    run = large.instructions[1]
    assert script(run) == script(small.instructions[1]) and "_script" not in run.__dict__ and run._sem is None
    check_tree(large, Settings())  # each window's views are let go after it
    assert not any(i.keeps_views or i._sem is not None for i in large.instructions)


def test_a_window_at_a_time_reads_each_shell_view_about_once(monkeypatch, tmp_path) -> None:
    """Counted, not timed: a check that reads the whole file (SF001's context needs, the apt
    marks of the stage chains) would read the views of the other windows' RUNs again, as they
    are not kept; SF001 reads the file a window at a time, the marks a stage at a time."""
    from slimfix import shell

    text = "".join(_joined(_generated(100), 100))
    computed: list[int] = []
    real = shell._script
    monkeypatch.setattr(shell, "_script", lambda instr, sem: computed.append(id(instr)) or real(instr, sem))
    monkeypatch.setattr(engine, "WINDOW", 300)
    check_tree(parse(text), Settings(context=tmp_path))
    assert len(set(computed)) > 1500
    assert len(computed) < 1.1 * len(set(computed))
