"""A large file's instructions are built from their source (issue #7: peak memory).

Past ``VIEWS_KEPT`` instructions the parser keeps each instruction's own text instead of its
parts (a piece, a ``Continuation`` and a tuple per line); ``parts`` and ``heredocs`` are then
views, derived again when asked for and kept only while the instruction keeps its views.
They must equal what the parser builds for a small file, and the tree must be smaller.
"""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from slimfix import SlimfixSyntaxError
from slimfix.cst import Instruction, parse, parser
from slimfix.cst.nodes import VIEWS_KEPT, SourceInstruction
from strategies import dockerfiles, noisy_dockerfiles

GOLDEN = Path(__file__).resolve().parent.parent / "golden"

# A stage as the generated corpus writes them: comments, blank lines, continuations with
# an inner comment, here-documents, ENV and LABEL over several lines; CRLF in some stages.
GROUP = """\
# build stage {k}
FROM python:3.12-slim AS build{k}
ENV PIP_NO_CACHE_DIR=1 \\
    APP_HOME=/app{k}
LABEL org.opencontainers.image.title="app{k}" \\
      org.opencontainers.image.version="1.{k}"
WORKDIR /app
RUN apt-get update \\
    && apt-get install -y --no-install-recommends gcc libpq-dev \\
# an inner comment
    && rm -rf /var/lib/apt/lists/*

COPY requirements.txt .
RUN pip install -r requirements.txt
COPY <<EOF /etc/app{k}.conf
port={k}
EOF
RUN <<-SCRIPT bash
\techo building {k}
\tSCRIPT
CMD ["python", "-m", "app{k}"]
"""


def _large(groups: int) -> str:
    return "".join(GROUP.format(k=k).replace("\n", "\r\n" if k % 3 == 0 else "\n") for k in range(groups))


def _both(text: str, monkeypatch: pytest.MonkeyPatch):
    """The tree built with every part (as a small file's) and the one built from the sources."""
    monkeypatch.setattr(parser, "VIEWS_KEPT", 10**9)
    full = parse(text)
    monkeypatch.setattr(parser, "VIEWS_KEPT", 0)
    lean = parse(text)
    monkeypatch.undo()
    return full, lean


def _same(full, lean) -> None:
    assert lean.code == full.code
    for a, b in zip(full.instructions, lean.instructions, strict=True):
        assert type(a) is Instruction and type(b) is SourceInstruction
        assert [getattr(b, f) for f in b._fields].__repr__() == [getattr(a, f) for f in a._fields].__repr__()
        assert b.text == a.text and repr(b.sem) == repr(a.sem) and b.sem.line == a.sem.line
        assert lean.span(b) == full.span(a) and lean.span(b, own=True) == full.span(a, own=True)


def test_parts_from_the_source_equal_the_parsed_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    _same(*_both(_large(12), monkeypatch))


@pytest.mark.parametrize("path", sorted(GOLDEN.glob("*/*.Dockerfile")), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_golden_files_from_the_source(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _same(*_both(path.read_bytes().decode(), monkeypatch))


@pytest.mark.parametrize(
    "text",
    [
        "RUN something \\",  # a continuation at the end of the file, no newline
        "RUN something \\\n",  # ... with one
        "RUN something \\\n# only a comment after it\n",
        "RUN \\\n  echo hi\r\n",  # the keyword alone on its first line
        "COPY <<EOF /x\nbody\nEOF",  # a here-document ending the file without a newline
        "# escape=`\nRUN echo a `\n  b\n",
        "FROM a\n  RUN  x\n",
        "ONBUILD RUN <<EOF\nx\nEOF\n",
        "RUN a\r\r\nRUN b\r",
    ],
)
def test_edge_cases_from_the_source(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _same(*_both(text, monkeypatch))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dockerfiles() | noisy_dockerfiles())
def test_generated_files_from_the_source(text: str) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        try:
            full, lean = _both(text, monkeypatch)
        except SlimfixSyntaxError as exc:
            monkeypatch.setattr(parser, "VIEWS_KEPT", 0)
            with pytest.raises(SlimfixSyntaxError) as again:  # refused the same way
                parse(text)
            assert (again.value.reason, again.value.line, again.value.column) == (exc.reason, exc.line, exc.column)
            return
        _same(full, lean)


def test_only_a_large_file_is_built_from_the_source() -> None:
    df = parse(_large(VIEWS_KEPT // 10 + 1))
    built = [type(instr) is SourceInstruction for instr in df.instructions]
    assert len(built) > VIEWS_KEPT and built == [k >= VIEWS_KEPT for k in range(len(built))]
    assert all(type(instr) is Instruction for instr in parse(_large(2)).instructions)


def _kept(instr, name: str):
    """The field as kept (None: not derived), without deriving it."""
    return instr.__dict__.get(name)


def test_derived_parts_are_kept_only_with_the_views() -> None:
    df = parse(_large(VIEWS_KEPT // 10 + 1))
    run = next(i for i in df.instructions[VIEWS_KEPT:] if i.name == "RUN" and "\\" in i.text)
    assert _kept(run, "parts") is None and len(run.parts) > 1 and _kept(run, "parts") is None  # not kept
    run.keep_views(True)
    parts = run.parts
    assert _kept(run, "parts") is parts and run.parts is parts and _kept(run, "heredocs") == ()  # kept
    run.keep_views(False)
    assert _kept(run, "parts") is None and _kept(run, "heredocs") is None
    changed = run.with_changes(keyword="run")
    assert type(changed) is Instruction and repr(changed.parts) == repr(run.parts)  # (derived again)
    assert changed.text == "run" + run.text[3:]


def test_a_large_tree_takes_less() -> None:
    """Counted with tracemalloc, not timed.  This file has short lines (53 characters an
    instruction): built with every part, its tree took 8.4 times its text, 12.1 at the peak of
    the parse; from the sources, 5.7 and 7.3."""
    text = _large(1000)
    assert len(text) > 500_000
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        df = parse(text)
        tree, peak = (n - before for n in tracemalloc.get_traced_memory())
    finally:
        tracemalloc.stop()
    assert df.code == text
    assert tree < 6.5 * len(text), tree / len(text)
    assert peak < 9 * len(text), peak / len(text)
