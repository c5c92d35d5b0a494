"""Edits inside RUN here-documents (``slimfix.heredocs``), against an oracle: the same lines
joined with `` ; `` on one RUN line, which the shell-word view reads the same way.  Whatever
SF101 and SF102 do to that line, they must do to the body, line for line."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from slimfix import parse
from slimfix.engine import Settings, check_text, fix_text
from slimfix.heredocs import logical_lines

SETTINGS = Settings(select=frozenset({"SF101", "SF102"}), unsafe_fixes=True)
LINES = [
    "apt-get update",
    "apt-get install -y curl",
    "apt-get install git",
    "apt-get install -y \\\n    wget make",
    "apk update",
    "apk add make",
    "pip install flask",
    "python3 -m pip install -r requirements.txt",
    "npm ci",
    "gem install rails",
    "echo done",
    "mkdir -p /app",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(LINES), min_size=1, max_size=6),
    st.booleans(),
    st.sampled_from(["RUN <<EOF", "RUN bash <<EOF", "RUN sh -eux <<EOF", "RUN --network=none <<EOF"]),
    st.sampled_from(["\n", "\r\n"]),
)
def test_body_is_fixed_as_the_joined_line_is(lines: list[str], errexit: bool, head: str, nl: str) -> None:
    lines = (["set -e"] if errexit else []) + lines
    oracle = fix_text("FROM d\nRUN " + " ; ".join(lines) + "\n", SETTINGS).output
    fixed_line = oracle.split("\n", 1)[1].removeprefix("RUN ").removesuffix("\n")
    # the lines hold no ";": each one the fixes leave (" ; ", or "; " before an appended
    # command under set -e, which the body gets as a line of its own) separates two lines
    expected_body = "\n".join(re.split(r" ?; ", fixed_line)) + "\n"
    src = f"FROM d\n{head}\n" + "\n".join(lines) + "\nEOF\n"
    expected = f"FROM d\n{head}\n{expected_body}EOF\n"
    src, expected = src.replace("\n", nl), expected.replace("\n", nl)
    if head not in ("RUN <<EOF", "RUN --network=none <<EOF"):
        plain = f"FROM d\nRUN <<EOF\n" + "\n".join(lines) + "\nEOF\n"
        added = [e.text for d in check_text(plain, SETTINGS) if d.fix for e in d.fix.edits]
        if any(set(text) & set("$`\\") for text in added):
            return  # text the shell reading the here-document would expand: not carried (Inner.edit)
    out = fix_text(src, SETTINGS).output
    assert out == expected
    assert parse(out).code == out


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(LINES), min_size=1, max_size=4))
def test_a_body_whose_tabs_are_stripped_is_left_alone(lines: list[str]) -> None:
    """``<<-`` hands the shell the body without its leading tabs: the view's offsets are not the body's."""
    src = "FROM d\nRUN <<-EOF\n" + "".join(f"\t{line}\n" for line in lines) + "\tEOF\n"
    assert fix_text(src, SETTINGS).output == src


def test_logical_lines() -> None:
    body = "\n# note\napt-get update\r\napt-get install \\\n  curl\n\n"
    assert [body[s:e] for s, e in logical_lines(body)] == ["apt-get update", "apt-get install \\\n  curl"]
    assert logical_lines("a \\\n\nb\n") == []  # a continuation into a blank line: no view
    assert logical_lines("a \\\n# c\nb\n") == []  # into a comment line
    assert logical_lines("a \\\n") == []  # never ends
    assert [s for s, _ in logical_lines("a \\\\\nb\n")] == [0, 5]  # an escaped backslash ends the line
