"""Parse Dockerfile text into the lossless tree, following BuildKit's ``parser.Parse``.

Line handling mirrors BuildKit: a line ends at ``\\n`` and loses its trailing ``\\r``/``\\n``
run; leading white space is dropped from an instruction's first line only; comment lines and
blank lines inside a continuation are skipped (we keep them in the ``Continuation``); the
escape character followed only by blanks continues the line; here-documents are read after
the instruction line for ``RUN``, ``COPY`` and ``ADD``.
"""

from __future__ import annotations

import re

from slimfix.cst.lexer import heredoc_names
from slimfix.cst.nodes import Continuation, Dockerfile, Header, Heredoc, Instruction, Line, Part
from slimfix.cst.semantics import HEREDOC_KEYWORDS, KEYWORDS, SemanticError
from slimfix.cst.text import GO_SPACE, NOT_WHITESPACE, go_lstrip
from slimfix.errors import SlimfixSyntaxError

BOM = "\ufeff"
_DIRECTIVE = re.compile(r"^#[\t\n\f\r ]*([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*$", re.S)
_KNOWN_DIRECTIVES = frozenset({"syntax", "escape", "check"})
# BuildKit: the escape char, then only blanks, not itself escaped (``echo \\\\`` does not continue)
_CONTINUATION = {
    "\\": re.compile(r"(?:^|(?<=[^\\]))\\([ \t]*)$"),
    "`": re.compile(r"(?:^|(?<=[^`]))`([ \t]*)$"),
}
_NOT_TRIGGERS = frozenset({"ONBUILD", "FROM", "MAINTAINER"})


def directive_of(text: str) -> tuple[str, str] | None:
    """``(name, value)`` when a header line is a known parser directive."""
    m = _DIRECTIVE.match(go_lstrip(text))
    if not m or m.group(1).lower() not in _KNOWN_DIRECTIVES:
        return None
    return m.group(1).lower(), m.group(2)


def _split_lines(text: str) -> list[tuple[str, str]]:
    """Physical lines as ``(content, newline)``; the newline keeps any ``\\r`` run before ``\\n``."""
    out: list[tuple[str, str]] = []
    pieces = text.split("\n")
    last = len(pieces) - 1
    for k, piece in enumerate(pieces):
        content = piece.rstrip("\r")
        nl = piece[len(content) :]
        if k < last:
            out.append((content, nl + "\n"))
        elif piece:
            out.append((content, nl))
    return out


def _default_newline(text: str) -> str:
    i = text.find("\n")
    return "\r\n" if i > 0 and text[i - 1] == "\r" else "\n"


class _Parser:
    def __init__(self, text: str) -> None:
        self.bom = BOM if text.startswith(BOM) else ""
        self.lines = _split_lines(text[len(self.bom) :])
        self.escape = "\\"
        self.i = 0

    def error(self, reason: str, line: int | None = None, column: int = 1) -> SlimfixSyntaxError:
        return SlimfixSyntaxError(reason, (self.i + 1) if line is None else line, column)

    def header(self) -> Header:
        seen: set[str] = set()
        directives: list[Line] = []
        while self.i < len(self.lines):
            content, nl = self.lines[self.i]
            found = directive_of(content)
            if not found:
                break
            name, value = found
            if name in seen:
                raise self.error(f"only one {name} parser directive can be used")
            seen.add(name)
            if name == "escape":
                if value not in ("\\", "`"):
                    raise self.error(f"invalid escape token '{value}' does not match ` or \\")
                self.escape = value
            directives.append(Line(content, nl))
            self.i += 1
        return Header(self.bom, tuple(directives))

    def instructions(self) -> tuple[tuple[Instruction, ...], tuple[Line, ...]]:
        found: list[Instruction] = []
        leading: list[Line] = []
        lines = self.lines
        while self.i < len(lines):
            content, nl = lines[self.i]
            stripped = go_lstrip(content)
            if not stripped or stripped[0] == "#":
                leading.append(Line(content, nl))
                self.i += 1
                continue
            found.append(self.instruction(content, nl, stripped, tuple(leading)))
            leading = []
        return tuple(found), tuple(leading)

    def instruction(self, content: str, nl: str, stripped: str, leading: tuple[Line, ...]) -> Instruction:
        start_line = self.i + 1
        indent = content[: len(content) - len(stripped)]
        cont = _CONTINUATION[self.escape]
        m = cont.search(stripped)
        first = stripped[: m.start()] if m else stripped
        kw = NOT_WHITESPACE.match(first)
        if not kw:
            raise self.error("a line continuation with no instruction before it", column=len(indent) + 1)
        keyword = kw.group()
        if keyword.upper() not in KEYWORDS:
            raise self.error(f"unknown instruction: {keyword}", column=len(indent) + 1)
        parts: list[Part] = [first[len(keyword) :]] if len(first) > len(keyword) else []
        newline = nl
        self.i += 1
        while m:
            trailing = m.group(1)
            inner: list[Line] = []
            while self.i < len(self.lines):
                c2, nl2 = self.lines[self.i]
                s2 = go_lstrip(c2)
                if s2 and s2[0] != "#":
                    break
                inner.append(Line(c2, nl2))
                self.i += 1
            if self.i >= len(self.lines):
                parts.append(Continuation(self.escape, trailing, newline, tuple(inner), ""))
                newline = ""
                break
            c2, nl2 = self.lines[self.i]
            s2 = go_lstrip(c2)
            ind2 = c2[: len(c2) - len(s2)]
            m = cont.search(c2, len(ind2))
            piece = c2[len(ind2) : m.start()] if m else c2[len(ind2) :]
            parts.append(Continuation(self.escape, trailing, newline, tuple(inner), ind2))
            if piece:
                parts.append(piece)
            newline = nl2
            self.i += 1
        instr = Instruction(keyword, tuple(parts), newline, (), leading, indent, self.escape)
        try:
            sem = instr.sem
        except SemanticError as exc:
            raise self.error(exc.reason, line=start_line) from None
        if not sem.line.startswith(keyword) or sem.keyword != keyword.upper():
            raise self.error("an instruction keyword split by a line continuation", line=start_line)
        run = sem.command
        if run is not sem and (run.keyword not in KEYWORDS or run.keyword in _NOT_TRIGGERS):
            reason = (
                f"{run.keyword} isn't allowed as an ONBUILD trigger"
                if run.keyword in KEYWORDS
                else f"unknown instruction: {run.keyword}"
            )
            raise self.error(reason, line=start_line)
        if run.keyword in HEREDOC_KEYWORDS and not run.json and "<<" in sem.line:
            docs = self.heredocs(sem.line, start_line)
            if docs:
                instr = Instruction(keyword, tuple(parts), newline, docs, leading, indent, self.escape)
                instr.__dict__["sem"] = sem  # the view does not depend on the bodies
        return instr

    def heredocs(self, line: str, start_line: int) -> tuple[Heredoc, ...]:
        docs: list[Heredoc] = []
        for name, chomp, expand, fd in heredoc_names(line):
            body: list[str] = []
            while True:
                if self.i >= len(self.lines):
                    raise self.error(f"unterminated heredoc {name}", line=start_line)
                content, nl = self.lines[self.i]
                self.i += 1
                if (content.lstrip("\t") if chomp else content) == name:
                    docs.append(Heredoc(name, "".join(body), content, nl, chomp, expand, fd))
                    break
                body.append(content)
                body.append(nl)
        return tuple(docs)


def parse(text: str) -> Dockerfile:
    """Parse a whole Dockerfile.  ``parse(text).code == text`` for every text that parses."""
    if not isinstance(text, str):
        raise TypeError(f"parse() takes str, not {type(text).__name__}")
    p = _Parser(text)
    header = p.header()
    instructions, footer = p.instructions()
    return Dockerfile(header, instructions, footer, _default_newline(text))


def parse_instruction(text: str, escape: str = "\\") -> Instruction:
    """Parse exactly one instruction (with any comment lines above it) from a snippet."""
    p = _Parser(text)
    p.escape = escape
    instructions, footer = p.instructions()
    if len(instructions) != 1 or footer:
        raise SlimfixSyntaxError(f"expected exactly one instruction, got {len(instructions)}")
    return instructions[0]


__all__ = ["parse", "parse_instruction", "directive_of", "GO_SPACE"]
