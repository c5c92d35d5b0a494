"""A run keeps only the findings it will read (issue #7: peak memory on a large file).

``fix_text`` keeps the first pass's findings (``found``) and every pass's fixed ones
(``applied``) for the report; a quiet run in text prints neither, and ``--write`` never reads
``found``.  Not keeping them must change nothing else.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from slimfix import engine
from slimfix.engine import Settings, fix_text
from slimfix.runner import Mode, Options, fix_file
from test_linear_scaling import _text


def test_not_kept_lists_are_empty_and_the_rest_is_the_same() -> None:
    text = _text(3)
    full = fix_text(text, Settings(unsafe_fixes=True))
    lean = fix_text(text, Settings(unsafe_fixes=True), keep_found=False, keep_applied=False)
    assert full.found and full.applied  # the case exercises both lists
    assert lean.found == [] and lean.applied == []
    assert (lean.output, lean.remaining) == (full.output, full.remaining)


@pytest.mark.parametrize(
    ("mode", "quiet", "output_format", "found", "applied"),
    [
        (Mode.CHECK, True, "text", False, False),
        (Mode.CHECK, False, "text", True, True),
        (Mode.CHECK, True, "json", True, True),
        (Mode.DIFF, True, "text", False, False),
        (Mode.DIFF, False, "text", True, True),
        (None, False, "text", True, True),
        (Mode.WRITE, True, "text", False, False),
        (Mode.WRITE, False, "text", False, True),
        (Mode.WRITE, True, "sarif", False, True),
    ],
)
def test_a_run_keeps_what_it_reports(
    tmp_path: Path, mode: Mode | None, quiet: bool, output_format: str, found: bool, applied: bool
) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(_text(2))
    options = Options([str(path)], mode=mode, unsafe_fixes=True, quiet=quiet, output_format=output_format)
    _, result = fix_file(path, options)
    assert result is not None and result.changed
    assert (bool(result.found), bool(result.applied)) == (found, applied)


def test_the_messages_name_the_codes_without_the_kept_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    parse = engine.parse
    calls = []

    def failing_second(code: str):
        calls.append(code)
        if len(calls) == 2:
            raise engine.VerificationError("boom")
        return parse(code)

    monkeypatch.setattr(engine, "parse", failing_second)
    text = "FROM debian\nRUN apt-get update && apt-get install -y gcc\n"
    with pytest.raises(engine.VerificationError, match=r"a fix by SF101 produced an unparsable file"):
        fix_text(text, Settings(unsafe_fixes=True), keep_found=False, keep_applied=False)
