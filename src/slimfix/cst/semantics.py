"""The BuildKit view of an instruction, computed the way BuildKit's parser computes it.

``analyse(instr)`` joins the continuation lines into BuildKit's logical line, splits off the
keyword and the ``--flags``, and parses the arguments with the function BuildKit dispatches
to for that keyword (``frontend/dockerfile/parser/line_parsers.go``).  Every piece keeps a map
back to offsets in ``instr.text``, so a transform can edit exactly the bytes it means.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING

from slimfix.cst.text import NOT_WHITESPACE, WHITESPACE, go_lstrip, go_strip, is_go_space

if TYPE_CHECKING:
    from slimfix.cst.nodes import Instruction

KEYWORDS = frozenset(
    "ADD ARG CMD COPY ENTRYPOINT ENV EXPOSE FROM HEALTHCHECK LABEL MAINTAINER ONBUILD RUN "
    "SHELL STOPSIGNAL USER VOLUME WORKDIR".split()
)
HEREDOC_KEYWORDS = frozenset({"ADD", "COPY", "RUN"})


_BYTE_SPACE = frozenset(b"\t\n\v\f\r \x85\xa0")


class SemanticError(ValueError):
    """BuildKit's parser rejects the instruction; ``offset`` is in the logical line."""

    def __init__(self, reason: str, offset: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.offset = offset


@dataclass(frozen=True, slots=True)
class Flag:
    """A ``--name=value`` flag as BuildKit reads it; ``start``/``end`` index ``Semantics.line``."""

    name: str
    value: str | None
    word: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Semantics:
    keyword: str  # upper-cased
    flags: tuple[Flag, ...]
    value: tuple[str, ...]
    json: bool
    line: str  # BuildKit's logical line: continuations joined, leading blanks removed
    args: str  # what the keyword's parser sees: the line after keyword and flags, trimmed
    args_start: int  # offset of ``args`` in ``line``
    segments: tuple[tuple[int, int], ...]  # (offset in line, offset in instr.text), sorted
    inner: Semantics | None = None  # the trigger of an ONBUILD

    def to_text(self, offset: int, *, end: bool = False) -> int:
        """Map an offset in ``line`` to the matching offset in the instruction's text.

        An offset on a continuation maps to the start of the next line, or with ``end=True``
        (the end of a word) to just after the previous line's text.
        """
        starts = [s for s, _ in self.segments]
        k = (bisect_left(starts, offset) if end else bisect_right(starts, offset)) - 1
        if k < 0:
            k = 0
        line_start, text_start = self.segments[k]
        return text_start + (offset - line_start)

    def flag(self, name: str) -> Flag | None:
        for f in self.flags:
            if f.name == name:
                return f
        return None

    @property
    def command(self) -> Semantics:
        """The instruction that runs: the trigger for ONBUILD, else this one."""
        return self.inner if self.inner is not None else self


def analyse(instr: Instruction) -> Semantics:
    line, segments = _logical(instr)
    return analyse_line(line, segments, instr.escape)


def _logical(instr: Instruction) -> tuple[str, tuple[tuple[int, int], ...]]:
    pieces: list[str] = [instr.keyword]
    segments: list[tuple[int, int]] = [(0, len(instr.indent))]
    line_pos = len(instr.keyword)
    text_pos = len(instr.indent) + len(instr.keyword)
    for part in instr.parts:
        if isinstance(part, str):
            segments.append((line_pos, text_pos))
            pieces.append(part)
            line_pos += len(part)
            text_pos += len(part)
        else:
            out: list[str] = []
            part.emit(out, "\n")
            text_pos += sum(map(len, out)) - len(part.indent)
            segments.append((line_pos, text_pos))
            pieces.append(part.indent)
            line_pos += len(part.indent)
            text_pos += len(part.indent)
    return "".join(pieces), tuple(segments)


def analyse_line(
    line: str, segments: tuple[tuple[int, int], ...], escape: str, base: int = 0
) -> Semantics:
    """BuildKit's ``newNodeFromLine`` over ``line[base:]``."""
    stripped = go_strip(line[base:])
    start = base + (len(line) - base - len(go_lstrip(line[base:])))
    m = NOT_WHITESPACE.match(stripped)
    keyword = m.group() if m else ""
    upper = keyword.upper()
    rest_start = start + len(keyword)
    ws = WHITESPACE.match(line, rest_start)
    if ws:
        rest_start = ws.end()
    end = start + len(stripped)
    flags, args_start = _extract_flags(line, rest_start, end) if ws else ((), end)
    args_start = _skip_go_space(line, args_start, end)
    args = line[args_start:end]
    value, is_json, inner = _dispatch(upper, line, args, args_start, segments, escape)
    return Semantics(upper, flags, value, is_json, line, args, args_start, segments, inner)


def _skip_go_space(line: str, i: int, end: int) -> int:
    while i < end and is_go_space(line[i]):
        i += 1
    return i


def _extract_flags(line: str, pos: int, end: int) -> tuple[tuple[Flag, ...], int]:
    """BuildKit's ``extractBuilderFlags``: leading ``--words``; returns flags and where args start.

    BuildKit walks UTF-8 bytes here and tests ``unicode.IsSpace(rune(byte))``, so the bytes
    0x85 and 0xA0 (inside multi-byte characters) count as blanks and a flag word is built
    byte by byte; we do the same so the arguments start where BuildKit's do.
    """
    seg = line[pos:end]
    data = seg.encode("utf-8", "surrogatepass")
    if len(data) == len(seg):
        char_at = None
    else:
        char_at = [0] * (len(data) + 1)
        k = 0
        for ci, ch in enumerate(seg):
            for _ in range(len(ch.encode("utf-8", "surrogatepass"))):
                char_at[k] = ci
                k += 1
        char_at[len(data)] = len(seg)

    def at(b: int) -> int:
        return pos + (b if char_at is None else char_at[b])

    flags: list[Flag] = []
    n = len(data)
    i = 0
    while True:
        while i < n and data[i] in _BYTE_SPACE:
            i += 1
        if i >= n:
            return tuple(flags), end
        if not (data[i] == 0x2D and i + 1 < n and data[i + 1] == 0x2D):
            return tuple(flags), at(i)
        word_start = i
        word = bytearray()
        blank_ok = False
        quote = 0
        while i < n:
            ch = data[i]
            if quote:
                if ch == quote:
                    quote = 0
                elif ch == 0x5C:  # backslash
                    if i + 1 == n:
                        i += 1
                        break
                    i += 1
                    word.append(data[i])
                else:
                    word.append(ch)
                i += 1
                continue
            if ch in _BYTE_SPACE:
                break
            if ch in (0x22, 0x27):
                quote, blank_ok = ch, True
            elif ch == 0x5C:
                if i + 1 < n:
                    i += 1
                    word.append(data[i])
            else:
                word.append(ch)
            i += 1
        text = word.decode("latin-1")  # Go: string(rune(byte)) per byte
        if text == "--":
            return tuple(flags), at(i)
        if blank_ok or text:
            name, eq, value = text[2:].partition("=")
            flags.append(Flag(name, value if eq else None, text, at(word_start), at(i)))


def parse_words(rest: str, escape: str) -> list[str]:
    """BuildKit's ``parseWords``: quotes kept, escapes kept, split on Go white space."""
    words: list[str] = []
    word: list[str] = []
    in_word = in_quote = False
    quote = ""
    blank_ok = False
    i, n = 0, len(rest)
    while i < n:
        ch = rest[i]
        if not in_word and not in_quote:
            if is_go_space(ch):
                i += 1
                continue
            in_word = True
        if in_word:
            if is_go_space(ch):
                if blank_ok or word:
                    words.append("".join(word))
                word, blank_ok, in_word = [], False, False
                i += 1
                continue
            if ch in "'\"":
                quote, blank_ok, in_word, in_quote = ch, True, False, True
            if ch == escape:
                if i + 1 == n:
                    i += 1
                    continue
                word.append(ch)
                i += 1
                ch = rest[i]
            word.append(ch)
            i += 1
            continue
        # in a quote
        if ch == quote:
            in_quote, in_word = False, True
        if ch == escape and quote != "'":
            if i + 1 == n:
                in_quote, in_word = False, True
                i += 1
                continue
            word.append(ch)
            i += 1
            ch = rest[i]
        word.append(ch)
        i += 1
    if (in_word or in_quote) and (blank_ok or word):
        words.append("".join(word))
    return words


class _NotJSON(Exception):
    pass


def _reject_constant(name: str) -> object:
    raise _NotJSON(name)


def parse_json(args: str) -> list[str] | None:
    """BuildKit's ``parseJSON``: a list of strings, or None when it is not a JSON array."""
    rest = go_lstrip(args)
    if not rest.startswith("["):
        return None
    try:
        data = json.loads(rest, parse_constant=_reject_constant)
    except (ValueError, _NotJSON, RecursionError):
        return None
    if not isinstance(data, list):
        return None
    for item in data:
        if not isinstance(item, str):
            raise SemanticError("Dockerfile JSON form arguments must be a list of strings")
    # Go decodes lone surrogate escapes to U+FFFD.
    return [s.encode("utf-16", "surrogatepass").decode("utf-16", "replace") for s in data]


def _dispatch(
    keyword: str,
    line: str,
    args: str,
    args_start: int,
    segments: tuple[tuple[int, int], ...],
    escape: str,
) -> tuple[tuple[str, ...], bool, Semantics | None]:
    if keyword in ("RUN", "CMD", "ENTRYPOINT", "SHELL"):
        if not args:
            return (), False, None
        data = parse_json(args)
        return (tuple(data), True, None) if data is not None else ((args,), False, None)
    if keyword in ("ADD", "COPY", "VOLUME"):
        data = parse_json(args)
        if data is not None:
            return tuple(data), True, None
        return _whitespace_split(args), False, None
    if keyword in ("FROM", "EXPOSE"):
        return _whitespace_split(args), False, None
    if keyword in ("MAINTAINER", "STOPSIGNAL", "USER", "WORKDIR"):
        return ((args,) if args else ()), False, None
    if keyword in ("ENV", "LABEL"):
        return _name_val(args, keyword, escape), False, None
    if keyword == "ARG":
        return tuple(parse_words(args, escape)), False, None
    if keyword == "HEALTHCHECK":
        return _health(args, escape)
    if keyword == "ONBUILD":
        if not args:
            return (), False, None
        inner = analyse_line(line, segments, escape, args_start)
        return inner.value, inner.json, inner
    return (), False, None


def _whitespace_split(args: str) -> tuple[str, ...]:
    return tuple(WHITESPACE.split(args)) if args else ()


def _name_val(args: str, keyword: str, escape: str) -> tuple[str, ...]:
    words = parse_words(args, escape)
    if not words:
        return ()
    if "=" not in words[0]:
        parts = WHITESPACE.split(args, maxsplit=1)
        if len(parts) < 2:
            raise SemanticError(f"{keyword} must have two arguments")
        return (parts[0], parts[1])
    out: list[str] = []
    for word in words:
        if "=" not in word:
            raise SemanticError(
                f"Syntax error - can't find = in {word!r}. Must be of the form: name=value"
            )
        out.extend(word.split("=", 1))
    return tuple(out)


def _health(args: str, escape: str) -> tuple[tuple[str, ...], bool, None]:
    sep = 0
    while sep < len(args) and not is_go_space(args[sep]):
        sep += 1
    if sep == 0:
        return (), False, None
    nxt = sep
    while nxt < len(args) and is_go_space(args[nxt]):
        nxt += 1
    rest = args[nxt:]
    if not rest:
        return (args[:sep],), False, None
    data = parse_json(rest)
    if data is not None:
        return (args[:sep], *data), True, None
    return (args[:sep], rest), False, None
