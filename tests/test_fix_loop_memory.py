"""The fix loop keeps one tree at a time (issue #7: peak memory on a large file).

A tree and the views memoised on it (shell words, the dependency analysis) take several times
the file's size; the loop must let each pass's tree go before it parses the next, and must not
keep it through the diagnostics it remembers.  Counted with weak references, not measured.
"""

from __future__ import annotations

import weakref

import pytest

from slimfix import engine
from slimfix.engine import Settings, fix_text
from test_linear_scaling import _text

SMALL = "FROM python:3.12-slim\nRUN pip install flask\nRUN apt-get update && apt-get install -y gcc\n"


@pytest.mark.parametrize("text", [SMALL, _text(3)], ids=["small", "groups"])
def test_each_parse_finds_the_previous_tree_gone(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    trees: weakref.WeakSet = weakref.WeakSet()
    alive_at_parse: list[int] = []
    parse = engine.parse

    def counting(code: str):
        alive_at_parse.append(len(trees))
        tree = parse(code)
        trees.add(tree)
        return tree

    monkeypatch.setattr(engine, "parse", counting)
    result = fix_text(text, Settings(unsafe_fixes=True))
    assert result.changed and len(alive_at_parse) >= 2  # at least one re-parse
    assert alive_at_parse == [0] * len(alive_at_parse)


def test_remembered_diagnostics_hold_no_old_tree() -> None:
    result = fix_text(_text(3), Settings(unsafe_fixes=True))
    assert result.applied and result.found
    assert all(d.instruction is None for d in [*result.found, *result.applied])
    assert {d.code for d in result.applied} <= {d.code for d in result.found}


def test_detached_keeps_everything_but_the_node() -> None:
    found = engine.check_text(SMALL)
    assert found and all(d.instruction is not None for d in found)
    bare = engine.detached(found)
    assert bare == found  # the node is not compared
    assert [(d.line, d.column, d.end_line, d.end_column, d.fix) for d in bare] == [
        (d.line, d.column, d.end_line, d.end_column, d.fix) for d in found
    ]
    assert all(d.instruction is None for d in bare)
