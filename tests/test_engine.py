"""The fix loop: non-overlapping fixes, passes until stable, verification, suppressions."""

from __future__ import annotations

import types

import pytest

from slimfix import engine
from slimfix.engine import Edit, Fix, Safety, Settings, apply_fixes, check_text, fix_text
from slimfix.errors import VerificationError
from slimfix.shell import TextEdit


def fake(code: str, check) -> types.ModuleType:
    module = types.ModuleType(f"fake_{code}")
    module.CODE = code
    module.check = check
    return module


@pytest.fixture
def use(monkeypatch):
    def install(*modules):
        monkeypatch.setattr(engine, "transforms", lambda: modules)

    return install


def lowercase_run(ctx):
    """Rewrites 'RUN X' to 'RUN x' one instruction per pass (to test the loop)."""
    for instr in ctx.df.instructions:
        if instr.name == "RUN" and instr.value and instr.value[0] != instr.value[0].lower():
            start = instr.text.index(instr.value[0])
            yield ctx.diagnostic(instr, "upper case", [TextEdit(start, start + len(instr.value[0]), instr.value[0].lower())])
            return


def test_loop_runs_until_stable(use) -> None:
    use(fake("SF990", lowercase_run))
    result = fix_text("FROM a\nRUN A\nRUN B\nRUN C\n")
    assert result.output == "FROM a\nRUN a\nRUN b\nRUN c\n"
    assert [d.code for d in result.applied] == ["SF990"] * 3
    assert result.remaining == []


def test_safety_levels(use) -> None:
    def three(ctx):
        instr = ctx.df.instructions[1]
        for k, (old, new, safety) in enumerate((("a", "s", Safety.SAFE), ("b", "u", Safety.UNSAFE), ("c", "d", Safety.DISPLAY_ONLY))):
            if instr.text[4 + 2 * k] == old:
                yield ctx.diagnostic(instr, old, [TextEdit(4 + 2 * k, 5 + 2 * k, new)], safety)

    use(fake("SF991", three))
    text = "FROM a\nRUN a b c\n"
    assert fix_text(text, Settings()).output == "FROM a\nRUN s b c\n"
    assert fix_text(text, Settings(unsafe_fixes=True)).output == "FROM a\nRUN s u c\n"
    remaining = fix_text(text, Settings(unsafe_fixes=True)).remaining
    assert [d.message for d in remaining] == ["c"]  # display-only: shown, never applied


def test_overlapping_fixes_wait_for_the_next_pass() -> None:
    a = Fix((Edit(0, 3, "X"),), Safety.SAFE, "a")
    b = Fix((Edit(2, 4, "Y"),), Safety.SAFE, "b")
    c = Fix((Edit(5, 5, "Z"),), Safety.SAFE, "c")
    out, applied = apply_fixes("0123456", [b, c, a])
    assert applied == [a, c] and out == "X34Z56"
    # two insertions at one point conflict too: their order would be a guess
    d = Fix((Edit(5, 5, "W"),), Safety.SAFE, "d")
    assert apply_fixes("0123456", [c, d])[1] == [c]


def test_a_fix_that_breaks_the_file_writes_nothing(use) -> None:
    def breaker(ctx):
        instr = ctx.df.instructions[1]
        yield ctx.diagnostic(instr, "oops", [TextEdit(0, 3, "FOO")])

    use(fake("SF992", breaker))
    with pytest.raises(VerificationError, match="SF992 produced an unparsable file"):
        fix_text("FROM a\nRUN x\n")


def test_a_fix_that_never_settles_is_refused(use) -> None:
    def flipper(ctx):
        instr = ctx.df.instructions[1]
        new = "y" if instr.value == ("x",) else "x"
        yield ctx.diagnostic(instr, "flip", [TextEdit(4, 5, new)])

    use(fake("SF993", flipper))
    with pytest.raises(VerificationError, match="did not converge"):
        fix_text("FROM a\nRUN x\n")


def test_select_and_ignore_prefixes() -> None:
    s = Settings(select=frozenset({"SF1"}), ignore=frozenset({"SF102"}))
    assert s.enabled("SF101") and not s.enabled("SF102") and not s.enabled("SF403")
    assert Settings().enabled("SF403")


def every_run(ctx):
    for instr in ctx.df.instructions:
        if instr.name == "RUN":
            yield ctx.diagnostic(instr, "found", None, Safety.DISPLAY_ONLY)


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("FROM a\nRUN x\n", ["SF994"]),
        ("FROM a\n# slimfix: ignore=SF994\nRUN x\n", []),
        ("FROM a\n# slimfix: ignore\nRUN x\n", []),
        ("FROM a\n# slimfix: ignore=SF101, SF994\nRUN x\n", []),
        ("FROM a\n# slimfix: ignore=SF101\nRUN x\n", ["SF994", "SF900"]),  # unused, and SF994 stands
        ("# slimfix: skip-file\nFROM a\nRUN x\n", []),
        ("FROM a\nRUN x\n# slimfix: skip-file\n", []),
        ("FROM a\n# slimfix: ignore=SF994\n\nRUN x\n", ["SF994", "SF900"]),  # not directly above
        ("FROM a\nRUN x\n# slimfix: ignore=SF994\nRUN y\n", ["SF994"]),  # covers only the next
    ],
)
def test_suppressions(use, text: str, codes: list[str]) -> None:
    use(fake("SF994", every_run))
    assert sorted(d.code for d in check_text(text)) == sorted(codes)


def test_hadolint_pragmas_map_to_our_codes(use) -> None:
    use(fake("SF101", every_run))
    assert check_text("FROM a\n# hadolint ignore=DL3009\nRUN x\n") == []
    assert check_text("FROM a\n# hadolint ignore=DL3008\nRUN x\n") != []  # no slimfix equivalent
    assert check_text("# hadolint global ignore=DL3015\nFROM a\nRUN x\nRUN y\n") == []
    # a hadolint pragma is never reported unused: it is there for hadolint too
    assert [d.code for d in check_text("FROM a\n# hadolint ignore=DL3042\nRUN x\n")] == ["SF101"]


def test_diagnostics_are_located(use) -> None:
    use(fake("SF994", every_run))
    (d,) = check_text("FROM a\n\n  RUN x \\\n   y\n")
    assert (d.line, d.column, d.end_line) == (3, 3, 4)


def test_fix_text_pauses_the_cycle_collector_and_restores_it(monkeypatch) -> None:
    import gc

    from slimfix import engine

    seen = []
    real = engine.one_pass
    monkeypatch.setattr(engine, "one_pass", lambda *a: (seen.append(gc.isenabled()), real(*a))[1])
    assert gc.isenabled()
    engine.fix_text("FROM python:3.12-slim\nRUN pip install flask\n")
    assert seen and not any(seen) and gc.isenabled()
    gc.disable()
    try:
        engine.fix_text("FROM python:3.12-slim\n")
        assert not gc.isenabled()  # a caller's choice is kept
    finally:
        gc.enable()
    with pytest.raises(Exception):
        engine.fix_text("FROM python:3.12-slim\nNOT AN INSTRUCTION\n")
    assert gc.isenabled()
