"""Instruction boundaries agree with dockerfile-parse wherever it is able to parse.

dockerfile-parse (containerbuildsystem) is a line-based parser; it gets some inputs wrong, and
each such input is listed below with the reason, so a new disagreement is always a finding.
"""

from __future__ import annotations

import pytest

from oracles import dockerfile_parse_boundaries
from slimfix import parse
from test_parser import CASES


def ours(text: str) -> list[tuple[str, int, int]]:
    df = parse(text)
    return [(i.name, *df.lines_of(i)) for i in df.instructions]


# input -> why dockerfile-parse's boundaries differ from BuildKit's (and ours)
KNOWN = {
    "bom": "it keeps the BOM in the first keyword ('\\ufeff# syntax' is not a comment to it)",
    "bom-escape": "it keeps the BOM, so it misses the escape directive",
    "empty-continuation-lines": "an empty line ends a continuation for it; BuildKit skips it",
    "empty-continuation-joins": "an empty line ends a continuation for it; BuildKit skips it",
    "blank-continuation-whitespace": "a blank line ends a continuation for it; BuildKit skips it",
    "continuation-at-eof": "it drops an instruction whose continuation reaches the end of file",
    "continuation-at-eof-nl": "it drops an instruction whose continuation reaches the end of file",
    "continuation-then-comment-eof": "it drops an instruction whose continuation reaches the end of file",
    "escaped-escape": "it treats an escaped escape (\\\\) at the end of a line as a continuation",
    "comment-in-continuation": "a blank line inside the continuation ends the instruction for it",
    "heredoc-run": "it does not know heredocs: body lines become instructions",
    "heredoc-chomp": "it does not know heredocs",
    "heredoc-quoted": "it does not know heredocs",
    "heredoc-two": "it does not know heredocs",
    "heredoc-copy": "it does not know heredocs",
    "heredoc-fd": "it does not know heredocs",
    "heredoc-crlf": "it does not know heredocs",
    "heredoc-eof-no-newline": "it does not know heredocs",
    "heredoc-redirect": "it does not know heredocs",
    "heredoc-onbuild": "it does not know heredocs",
    "keyword-then-continuation": "it keeps the escape in the keyword ('RUN\\') when no blank separates them",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_boundaries_agree_with_dockerfile_parse(name: str) -> None:
    text = CASES[name]
    theirs = dockerfile_parse_boundaries(text)
    if theirs is None:
        pytest.skip("dockerfile-parse cannot read it")
    if name in KNOWN:
        assert theirs != ours(text), f"dockerfile-parse now agrees on {name}: drop it from KNOWN"
        return
    assert theirs == ours(text)


def test_a_plain_file_agrees() -> None:
    text = "FROM a AS b\nRUN apt-get update \\\n    && apt-get install -y x\nCOPY . /app\nCMD [\"x\"]\n"
    assert dockerfile_parse_boundaries(text) == ours(text) == [
        ("FROM", 1, 1),
        ("RUN", 2, 3),
        ("COPY", 4, 4),
        ("CMD", 5, 5),
    ]
