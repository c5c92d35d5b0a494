"""Every golden case: the expected output, a fixed point, and BuildKit agrees with the result."""

from __future__ import annotations

import dockerfile
import pytest

from golden import Case, cases
from slimfix import parse
from slimfix.engine import fix_text

CASES = cases()


@pytest.mark.parametrize("case", CASES, ids=[f"{c.before.parent.name}/{c.name}" for c in CASES])
def test_golden(case: Case) -> None:
    settings = case.settings()
    result = fix_text(case.source(), settings, case.before)
    assert result.output == case.expected()
    # one more run changes nothing
    assert fix_text(result.output, settings, case.before).output == result.output
    # BuildKit's own parser reads the result into the instructions we meant
    ours = [(i.name, i.value) for i in parse(result.output).instructions]
    theirs = dockerfile.parse_string(result.output)
    assert [(c.cmd.upper(), _value(c)) for c in theirs] == ours


def _value(cmd) -> tuple[str, ...]:
    return tuple(cmd.value)
