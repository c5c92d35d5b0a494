"""The speed fixes in the core keep results: the single-join ``apply_fixes``, the shell view
computed once per instruction, and stage names computed once per stage."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from slimfix import parse
from slimfix.engine import Edit, Fix, Safety, apply_fixes
from slimfix.shell import _script, script


def _one_by_one(text: str, fixes: list[Fix]) -> str:
    """The original algorithm: each edit applied to the text so far, back to front."""
    edits = sorted((e for f in fixes for e in f.edits), key=lambda e: (e.start, e.end), reverse=True)
    for e in edits:
        text = text[: e.start] + e.text + text[e.end :]
    return text


@st.composite
def text_and_fixes(draw):
    text = draw(st.text(alphabet="ab\n", max_size=40))
    fixes = []
    for _ in range(draw(st.integers(0, 6))):
        edits = []
        for _ in range(draw(st.integers(1, 3))):  # a fix's own edits may overlap
            a = draw(st.integers(0, len(text)))
            b = draw(st.integers(a, len(text)))
            edits.append(Edit(a, b, draw(st.text(alphabet="XY\n", max_size=4))))
        fixes.append(Fix(tuple(edits), Safety.SAFE, "t"))
    return text, fixes


@given(text_and_fixes())
def test_apply_fixes_matches_applying_edits_one_by_one(case) -> None:
    text, fixes = case
    out, applied = apply_fixes(text, fixes)
    assert out == _one_by_one(text, applied)


def test_apply_fixes_example() -> None:
    fixes = [Fix((Edit(0, 1, "X"), Edit(3, 3, "Y")), Safety.SAFE, "a"), Fix((Edit(5, 6, ""),), Safety.SAFE, "b")]
    assert apply_fixes("abcdef", fixes) == ("XbcYde", fixes)


def test_the_shell_view_is_computed_once_and_equals_a_fresh_one() -> None:
    df = parse("FROM a\nRUN apt-get update && apt-get install -y curl\nCMD [\"x\"]\n")
    run, cmd = df.instructions[1], df.instructions[2]
    assert script(run) is script(run)
    assert script(run) == _script(run, run.sem)
    assert script(run).commands[1].args == ("apt-get", "install", "-y", "curl")
    assert script(cmd) is None


def test_stage_names_are_stable() -> None:
    df = parse("FROM python AS Build\nRUN x\nFROM build\n")
    first, second = df.stages
    assert (first.name, second.name) == ("build", None)
    assert first.name is first.name and first.from_ is df.instructions[0]


_NAME_PARTS = ["dockerfile", "DockerIgnore", "containerFILE", "containerignore", "docker", "contaınerfile",
               "doc\u212aerfile", "é", " ", "-", "file", "ignore", "x"]


@given(st.lists(st.sampled_from(_NAME_PARTS), max_size=8).map("".join))
def test_the_dockerfile_name_test_is_the_case_blind_pattern(line) -> None:
    import re

    from slimfix.context_fix import _NAMES_DOCKERFILES, _names_dockerfiles

    assert _names_dockerfiles(line) == (re.search(_NAMES_DOCKERFILES, line) is not None)


def _chosen_by_scanning_every_span(fixes: list[Fix]) -> list[Fix]:
    """The original choice: each fix checked against every edit applied before it."""
    from slimfix.engine import _overlaps

    taken: list[tuple[int, int]] = []
    applied = []
    for fix in sorted(fixes, key=lambda f: min((e.start for e in f.edits), default=0)):
        if any(_overlaps(e, t) for e in fix.edits for t in taken):
            continue
        taken.extend((e.start, e.end) for e in fix.edits)
        applied.append(fix)
    return applied


@settings(max_examples=500)
@given(text_and_fixes())
def test_apply_fixes_chooses_the_fixes_a_scan_of_every_applied_edit_chooses(case) -> None:
    text, fixes = case
    assert [id(f) for f in apply_fixes(text, fixes)[1]] == [id(f) for f in _chosen_by_scanning_every_span(fixes)]


def test_choosing_fixes_checks_only_nearby_edits(monkeypatch) -> None:
    from slimfix import engine

    calls = []
    real = engine._overlaps
    monkeypatch.setattr(engine, "_overlaps", lambda e, span: calls.append(span) or real(e, span))
    fixes = [Fix((Edit(10 * k, 10 * k + 3, "x"),), Safety.SAFE, "t") for k in range(2000)]
    assert len(apply_fixes("a" * 20_000, fixes)[1]) == 2000
    assert len(calls) < 3 * 2000  # each fix meets its neighbours, not all 2,000 spans before it
