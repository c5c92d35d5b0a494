"""Parse Dockerfile text into the lossless tree, following BuildKit's ``parser.Parse``.

Line handling mirrors BuildKit: a line ends at ``\\n`` and loses its trailing ``\\r``/``\\n``
run; leading white space is dropped from an instruction's first line only; comment lines and
blank lines inside a continuation are skipped (we keep them in the ``Continuation``); the
escape character followed only by blanks continues the line; here-documents are read after
the instruction line for ``RUN``, ``COPY`` and ``ADD``.
"""

from __future__ import annotations

import gc
import re
import sys

from slimfix.cst.lexer import heredoc_names
from slimfix.cst.nodes import (
    VIEWS_KEPT,
    Continuation,
    Dockerfile,
    Header,
    Heredoc,
    Instruction,
    Line,
    Part,
    SourceInstruction,
)
from slimfix.cst.semantics import (
    HEREDOC_KEYWORDS,
    KEYWORDS,
    SemanticError,
    analyse_line,
    logical_line,
)
from slimfix.cst.text import GO_SPACE, go_lstrip
from slimfix.errors import SlimfixSyntaxError
from slimfix.lazy_re import Lazy

BOM = "\ufeff"
_DIRECTIVE = Lazy(r"^#[\t\n\f\r ]*([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*(.+?)[\t\n\f\r ]*$", re.DOTALL)
_KNOWN_DIRECTIVES = frozenset({"syntax", "escape", "check"})
# an instruction's keyword and the blanks after it
_HEAD = Lazy(r"([^\t\v\f\r ]+)[\t\v\f\r ]*")
# keywords whose view can only fail on a JSON form (a "[") or a split keyword
_NO_ERRORS = frozenset(
    {
        "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "EXPOSE", "FROM",
        "MAINTAINER", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
    }
)  # fmt: skip
# each spelling of a keyword seen so far, upper-cased (at most 2^len spellings per keyword)
_UPPER: dict[str, str] = {}
_NOT_TRIGGERS = frozenset({"ONBUILD", "FROM", "MAINTAINER"})


def directive_of(text: str) -> tuple[str, str] | None:
    """``(name, value)`` when a header line is a known parser directive."""
    m = _DIRECTIVE.match(go_lstrip(text))
    if not m or m.group(1).lower() not in _KNOWN_DIRECTIVES:
        return None
    return m.group(1).lower(), m.group(2)


def _split_lines(text: str) -> tuple[list[str], list[str]]:
    """Physical lines as parallel lists of contents and newlines; a newline keeps any ``\\r``
    run before its ``\\n``, and is ``""`` (or that run) for a last line with no ``\\n``."""
    contents = text.split("\n")
    last = contents.pop()  # what follows the last "\n": a last line, or nothing
    newlines = ["\n"] * len(contents)
    if "\r" in text:
        for k, piece in enumerate(contents):
            if piece.endswith("\r"):
                content = piece.rstrip("\r")
                contents[k] = content
                newlines[k] = sys.intern(piece[len(content) :] + "\n")
    if last:
        content = last.rstrip("\r")
        contents.append(content)
        newlines.append(last[len(content) :])
    return contents, newlines


def _continues(content: str, start: int, escape: str) -> int:
    """Where the line continuation starts in ``content[start:]`` (-1: none).

    BuildKit: the escape character, then only blanks, and the escape not itself escaped
    (``echo \\\\`` does not continue).
    """
    body = content.rstrip(" \t")
    k = len(body) - 1
    if k < start or body[k] != escape or (k > 0 and body[k - 1] == escape):
        return -1
    return k


def _default_newline(text: str) -> str:
    i = text.find("\n")
    return "\r\n" if i > 0 and text[i - 1] == "\r" else "\n"


class _Parser:
    def __init__(self, text: str, with_parts: int | None = None) -> None:
        self.bom = BOM if text.startswith(BOM) else ""
        # an instruction's lines become None once the tree holds its own pieces of them
        self.contents, self.newlines = _split_lines(text[len(self.bom) :])
        self.escape = "\\"
        self.i = 0
        # how many instructions are built with their parts (None: all); the next ones are
        # ``SourceInstruction``s, built from their source (a large file's)
        self.with_parts = with_parts
        self.from_source = False

    def error(self, reason: str, line: int | None = None, column: int = 1) -> SlimfixSyntaxError:
        return SlimfixSyntaxError(reason, (self.i + 1) if line is None else line, column)

    def header(self) -> Header:
        seen: set[str] = set()
        directives: list[Line] = []
        while self.i < len(self.contents):
            content = self.contents[self.i]
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
            directives.append(Line(content, self.newlines[self.i]))
            self.i += 1
        return Header(self.bom, tuple(directives))

    def instructions(self) -> tuple[tuple[Instruction, ...], tuple[Line, ...]]:
        found: list[Instruction] = []
        leading: list[Line] = []
        contents, newlines = self.contents, self.newlines
        n = len(contents)
        limit = self.with_parts
        while self.i < n:
            content = contents[self.i]
            stripped = content.lstrip(GO_SPACE)
            if not stripped or stripped[0] == "#":
                leading.append(Line(content, newlines[self.i]))
                self.i += 1
                continue
            start = self.i
            if len(found) == limit:  # a large file: the next ones from their source
                self.from_source = True
            found.append(self.instruction(content, stripped, tuple(leading) if leading else ()))
            leading = []
            contents[start] = None  # the tree keeps its own pieces of the line: let the line go
        return tuple(found), tuple(leading)

    def instruction(self, content: str, stripped: str, leading: tuple[Line, ...]) -> Instruction:
        escape = self.escape
        start_line = self.i + 1
        indent = "" if stripped is content else content[: len(content) - len(stripped)]
        last = stripped[-1]
        k = _continues(stripped, 0, escape) if last == escape or last == " " or last == "\t" else -1
        first = stripped[:k] if k >= 0 else stripped
        head = _HEAD.match(first)
        if not head:
            raise self.error("a line continuation with no instruction before it", column=len(indent) + 1)
        keyword = head.group(1)
        upper = _UPPER.get(keyword)
        if upper is None:
            if keyword.upper() not in KEYWORDS:
                raise self.error(f"unknown instruction: {keyword}", column=len(indent) + 1)
            upper = _UPPER[keyword] = sys.intern(keyword.upper())
        keyword = sys.intern(keyword)
        # where the blanks after the keyword end, when the first line shows it
        ws_end: int | None = head.end()
        if k < 0:  # one line: the logical line is the stripped line
            newline = self.newlines[self.i]
            self.i += 1
            line = stripped
            parts: tuple[Part, ...] = (stripped[len(keyword) :],) if len(stripped) > len(keyword) else ()
        else:
            parts, newline = self.continued(stripped, first, keyword, k)
            line = logical_line(keyword, parts)
            if ws_end >= len(first):  # the blanks may go on past the continuation
                ws_end = None
        kept = k < 0 or parts[0].__class__ is str  # the keyword ends where the first line's does
        if kept and upper in _NO_ERRORS and "[" not in line:
            # BuildKit cannot refuse it, and it has no JSON form: the view waits until asked for
            docs: tuple[Heredoc, ...] = ()
            if upper in HEREDOC_KEYWORDS and "<<" in line:
                docs = self.heredocs(line, start_line)
            if self.from_source:
                return self.from_lines(keyword, newline, leading, indent, start_line - 1)
            return Instruction(keyword, parts, newline, docs, leading, indent, escape)
        try:
            if kept:
                sem = analyse_line(line, escape, keyword, indent, parts, 0, upper, ws_end)
            else:
                sem = analyse_line(line, escape, keyword, indent, parts)
        except SemanticError as exc:
            raise self.error(exc.reason, line=start_line) from None
        if sem.keyword != upper:
            raise self.error("an instruction keyword split by a line continuation", line=start_line)
        run = sem.inner
        if run is None:
            run = sem
        elif run.keyword not in KEYWORDS or run.keyword in _NOT_TRIGGERS:
            reason = (
                f"{run.keyword} isn't allowed as an ONBUILD trigger"
                if run.keyword in KEYWORDS
                else f"unknown instruction: {run.keyword}"
            )
            raise self.error(reason, line=start_line)
        docs = ()
        if run.keyword in HEREDOC_KEYWORDS and not run.json and "<<" in line:
            docs = self.heredocs(line, start_line)  # the view does not depend on the bodies
        if self.from_source:
            return self.from_lines(keyword, newline, leading, indent, start_line - 1)
        return Instruction(keyword, parts, newline, docs, leading, indent, escape, sem)

    def from_lines(self, keyword: str, newline: str, leading: tuple[Line, ...], indent: str, first: int) -> Instruction:
        """The instruction read from line ``first`` up to ``self.i``, built from its source:
        its lines joined, here-documents included (a large file's; no view kept)."""
        if self.i == first + 1:  # one line
            source = self.contents[first] + self.newlines[first]
        else:
            contents = self.contents
            source = "".join(map(str.__add__, contents[first : self.i], self.newlines[first : self.i]))
            contents[first + 1 : self.i] = [None] * (self.i - first - 1)  # as the parser lets lines go
        return SourceInstruction(keyword, newline, leading, indent, self.escape, source)

    def continued(self, cur: str, first: str, keyword: str, k: int) -> tuple[tuple[Part, ...], str]:
        """The parts of an instruction whose first line ``cur`` continues at ``k``, and the
        newline of its last line."""
        contents, newlines, escape = self.contents, self.newlines, self.escape
        n = len(contents)
        parts: list[Part] = [first[len(keyword) :]] if len(first) > len(keyword) else []
        newline = newlines[self.i]
        self.i += 1
        while k >= 0:
            trailing = cur[k + 1 :]
            inner: list[Line] = []
            while self.i < n:
                c2 = contents[self.i]
                s2 = c2.lstrip(GO_SPACE)
                if s2 and s2[0] != "#":
                    break
                inner.append(Line(c2, newlines[self.i]))
                self.i += 1
            if self.i >= n:
                parts.append(Continuation(escape, trailing, newline, tuple(inner) if inner else (), ""))
                return tuple(parts), ""
            ind = len(c2) - len(s2)
            last = c2[-1]
            k = _continues(c2, ind, escape) if last == escape or last == " " or last == "\t" else -1
            indent = sys.intern(c2[:ind]) if ind else ""
            parts.append(Continuation(escape, trailing, newline, tuple(inner) if inner else (), indent))
            piece = c2[ind:k] if k >= 0 else c2[ind:]
            if piece:
                parts.append(piece)
            cur = c2
            if not self.from_source:  # (from_lines joins them first)
                contents[self.i] = None  # as for the first line
            newline = newlines[self.i]
            self.i += 1
        return tuple(parts), newline

    def heredocs(self, line: str, start_line: int) -> tuple[Heredoc, ...]:
        docs: list[Heredoc] = []
        contents, newlines = self.contents, self.newlines
        for name, chomp, expand, fd in heredoc_names(line):
            start = end = self.i
            if chomp:
                while end < len(contents) and contents[end].lstrip("\t") != name:
                    end += 1
            else:
                try:
                    end = contents.index(name, start)
                except ValueError:
                    end = len(contents)
            if end >= len(contents):
                self.i = len(contents)
                raise self.error(f"unterminated heredoc {name}", line=start_line)
            body = "".join(map(str.__add__, contents[start:end], newlines[start:end]))
            docs.append(Heredoc(name, body, contents[end], newlines[end], chomp, expand, fd))
            self.i = end + 1
        return tuple(docs)


def parse(text: str) -> Dockerfile:
    """Parse a whole Dockerfile.  ``parse(text).code == text`` for every text that parses."""
    if not isinstance(text, str):
        raise TypeError(f"parse() takes str, not {type(text).__name__}")
    p = _Parser(text, VIEWS_KEPT)
    # The tree has no reference cycles, so the cycle collector has nothing to find while it
    # grows; pausing it keeps a large file from being traversed again and again.
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        header = p.header()
        instructions, footer = p.instructions()
    finally:
        if paused:
            gc.enable()
    if len(instructions) > VIEWS_KEPT:  # a large file: its views are kept a window at a time
        for instr in instructions:
            instr.keep_views(False)
    return Dockerfile(header, instructions, footer, _default_newline(text))


def parts_of(source: str, keyword: str, indent: str, escape: str) -> tuple[tuple[Part, ...], tuple[Heredoc, ...]]:
    """The parts and here-documents of an instruction the parser built from its ``source``
    (``SourceInstruction._source``; read and checked once already, so not checked again)."""
    p = _Parser(source)
    p.escape = escape
    stripped = p.contents[0][len(indent) :]
    last = stripped[-1]
    k = _continues(stripped, 0, escape) if last == escape or last == " " or last == "\t" else -1
    if k < 0:
        parts: tuple[Part, ...] = (stripped[len(keyword) :],) if len(stripped) > len(keyword) else ()
        p.i = 1
    else:
        parts = p.continued(stripped, stripped[:k], keyword, k)[0]
    # the lines left are here-documents: the parser found them after this logical line
    docs = p.heredocs(logical_line(keyword, parts), 1) if p.i < len(p.contents) else ()
    return parts, docs


def parse_instruction(text: str, escape: str = "\\") -> Instruction:
    """Parse exactly one instruction (with any comment lines above it) from a snippet."""
    p = _Parser(text)
    p.escape = escape
    instructions, footer = p.instructions()
    if len(instructions) != 1 or footer:
        raise SlimfixSyntaxError(f"expected exactly one instruction, got {len(instructions)}")
    return instructions[0]


__all__ = ["GO_SPACE", "directive_of", "parse", "parse_instruction", "parts_of"]
