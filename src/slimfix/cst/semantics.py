"""The BuildKit view of an instruction, computed the way BuildKit's parser computes it.

``analyse(instr)`` joins the continuation lines into BuildKit's logical line, splits off the
keyword and the ``--flags``, and parses the arguments with the function BuildKit dispatches
to for that keyword (``frontend/dockerfile/parser/line_parsers.go``).  Every piece keeps a map
back to offsets in ``instr.text``, so a transform can edit exactly the bytes it means.
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_left, bisect_right
from functools import cache
from typing import TYPE_CHECKING

from slimfix.cst.record import Record
from slimfix.cst.text import (
    GO_SPACE,
    GO_SPACE_SET,
    GO_WORD,
    NOT_WHITESPACE,
    WHITESPACE,
    is_go_space,
)
from slimfix.lazy_re import Lazy

if TYPE_CHECKING:
    from slimfix.cst.nodes import Part

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


class Flag(Record):
    """A ``--name=value`` flag as BuildKit reads it: ``name``, ``value`` (None without ``=``),
    ``word`` as written; ``start``/``end`` index ``Semantics.line``."""

    __slots__ = _fields = ("name", "value", "word", "start", "end")

    def __init__(self, name: str, value: str | None, word: str, start: int, end: int) -> None:
        self.name = name
        self.value = value
        self.word = word
        self.start = start
        self.end = end


class Semantics:
    """BuildKit's view of an instruction.  ``line`` (BuildKit's logical line: continuations
    joined, leading blanks removed) and ``segments`` are rebuilt from the instruction's parts
    when asked for, so a parsed tree does not hold a second copy of every line.

    ``keyword`` is upper-cased; ``args`` is what the keyword's parser sees (the line after the
    keyword and the flags, trimmed), at ``args_start`` in ``line``; ``inner`` is the trigger of
    an ONBUILD.  ``segments`` are ``(offset in line, offset in instr.text)`` pairs, sorted.
    """

    __slots__ = ("_indent", "_kw", "_parts", "_segs", "args", "args_start", "flags", "inner", "json", "keyword", "value")

    def __init__(
        self,
        keyword: str,
        flags: tuple[Flag, ...],
        value: tuple[str, ...],
        json: bool,
        args: str,
        args_start: int,
        inner: Semantics | None,
        kw: str,
        indent: str,
        parts: tuple[Part, ...],
    ) -> None:
        self.keyword = keyword
        self.flags = flags
        self.value = value
        self.json = json
        self.args = args
        self.args_start = args_start
        self.inner = inner
        self._kw = kw  # the instruction's keyword as written, its indent and its parts
        self._indent = indent
        self._parts = parts
        self._segs: tuple[list[int], tuple[tuple[int, int], ...]] | None = None

    def __repr__(self) -> str:
        return (
            f"Semantics(keyword={self.keyword!r}, flags={self.flags!r}, value={self.value!r}, "
            f"json={self.json!r}, args={self.args!r}, args_start={self.args_start!r})"
        )

    @property
    def line(self) -> str:
        return logical_line(self._kw, self._parts)

    @property
    def segments(self) -> tuple[tuple[int, int], ...]:
        if self._segs is not None:
            return self._segs[1]
        return _segments_of(self._kw, self._indent, self._parts)

    def _segments(self) -> tuple[list[int], tuple[tuple[int, int], ...]]:
        """The segments and their starts, kept for the next ``to_text``."""
        if self._segs is None:
            segs = _segments_of(self._kw, self._indent, self._parts)
            self._segs = ([s for s, _ in segs], segs)
        return self._segs

    def to_text(self, offset: int, *, end: bool = False) -> int:
        """Map an offset in ``line`` to the matching offset in the instruction's text.

        An offset on a continuation maps to the start of the next line, or with ``end=True``
        (the end of a word) to just after the previous line's text.
        """
        parts = self._parts
        if not parts or (len(parts) == 1 and parts[0].__class__ is str):
            return offset + len(self._indent)  # one line: the text is the indent, then the line
        starts, segments = self._segments()
        k = (bisect_left(starts, offset) if end else bisect_right(starts, offset)) - 1
        k = max(k, 0)
        line_start, text_start = segments[k]
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


def logical_line(keyword: str, parts: tuple[Part, ...]) -> str:
    """BuildKit's logical line: the keyword, the text pieces, each continuation's indent."""
    if not parts:
        return keyword
    if len(parts) == 1 and parts[0].__class__ is str:
        return keyword + parts[0]
    return keyword + "".join([p if p.__class__ is str else p.indent for p in parts])


def _segments_of(keyword: str, indent: str, parts: tuple[Part, ...]) -> tuple[tuple[int, int], ...]:
    segments: list[tuple[int, int]] = [(0, len(indent))]
    line_pos = len(keyword)
    text_pos = len(indent) + len(keyword)
    for part in parts:
        if part.__class__ is str:
            segments.append((line_pos, text_pos))
            line_pos += len(part)
            text_pos += len(part)
        else:
            text_pos += part.width - len(part.indent)
            segments.append((line_pos, text_pos))
            line_pos += len(part.indent)
            text_pos += len(part.indent)
    return tuple(segments)


def analyse(keyword: str, indent: str, parts: tuple[Part, ...], escape: str) -> Semantics:
    """The view of the instruction ``indent keyword parts...``."""
    return analyse_line(logical_line(keyword, parts), escape, keyword, indent, parts)


def analyse_line(
    line: str,
    escape: str,
    kw: str,
    indent: str,
    parts: tuple[Part, ...],
    base: int = 0,
    upper: str | None = None,
    ws_end: int | None = None,
) -> Semantics:
    """BuildKit's ``newNodeFromLine`` over ``line[base:]``, the logical line of the instruction
    ``indent kw parts...``.  A caller that knows ``line`` starts with the keyword ``upper``
    (upper-cased) passes it, and may pass where the blanks after it end (``ws_end``)."""
    end = len(line.rstrip(GO_SPACE))
    if upper is None:
        n = len(line)
        start = base
        while start < n and line[start] in GO_SPACE_SET:
            start += 1
        end = max(end, start)
        m = NOT_WHITESPACE.match(line, start, end)
        keyword = m.group() if m else ""
        upper = sys.intern(keyword.upper())
        rest_start = start + len(keyword)
    else:
        rest_start = len(upper)
    if ws_end is None:
        ws = WHITESPACE.match(line, rest_start)
        ws_end = ws.end() if ws else rest_start
    if ws_end == rest_start:  # no blank after the keyword: no arguments
        flags: tuple[Flag, ...] = ()
        args_start = end
    else:
        first = line[ws_end] if ws_end < end else ""
        if first and first != "-" and first < "\x80" and first != "\n":
            flags, args_start = (), ws_end  # no flag, and not a blank: args start here
        else:
            flags, args_start = _extract_flags(line, ws_end, end)
            while args_start < end and line[args_start] in GO_SPACE_SET:
                args_start += 1
    args = line[args_start:end]
    value, is_json, inner = _dispatch(upper, line, args, args_start, escape, kw, indent, parts)
    return Semantics(upper, flags, value, is_json, args, args_start, inner, kw, indent, parts)


_SIMPLE_FLAG = Lazy(rb"--[^\t\n\v\f\r \x85\xa0\"'\\]*")
_BYTE_BLANKS = Lazy(rb"[\t\n\v\f\r \x85\xa0]*")


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
        i = _BYTE_BLANKS.match(data, i).end()
        if i >= n:
            return tuple(flags), end
        if not (data[i] == 0x2D and i + 1 < n and data[i + 1] == 0x2D):
            return tuple(flags), at(i)
        word_start = i
        simple = _SIMPLE_FLAG.match(data, i)
        j = simple.end()
        if j == n or data[j] in _BYTE_SPACE:  # no quote, no backslash: the word is the bytes
            word = data[i:j]
            i = j
        else:
            word, i = _flag_word(data, i)
        text = word.decode("latin-1")  # Go: string(rune(byte)) per byte
        if text == "--":
            return tuple(flags), at(i)
        if text:
            name, eq, value = text[2:].partition("=")
            flags.append(Flag(name, value if eq else None, text, at(word_start), at(i)))


def _flag_word(data: bytes, i: int) -> tuple[bytearray, int]:
    """One flag word with quotes or backslashes, byte by byte; returns it and where it ends."""
    n = len(data)
    word = bytearray()
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
            quote = ch
        elif ch == 0x5C:
            if i + 1 < n:
                i += 1
                word.append(data[i])
        else:
            word.append(ch)
        i += 1
    return word, i


def parse_words(rest: str, escape: str) -> list[str]:
    """BuildKit's ``parseWords``: quotes kept, escapes kept, split on Go white space."""
    if "'" not in rest and '"' not in rest and escape not in rest:
        return GO_WORD.findall(rest)  # nothing but blanks and plain characters
    plain = _plain_run(escape).match
    words: list[str] = []
    word: list[str] = []
    in_word = in_quote = False
    quote = ""
    blank_ok = False
    i, n = 0, len(rest)
    while i < n:
        ch = rest[i]
        if not in_word and not in_quote:
            if ch in GO_SPACE_SET:
                i += 1
                continue
            in_word = True
        if in_word:
            if ch in GO_SPACE_SET:
                if blank_ok or word:
                    words.append("".join(word))
                word, blank_ok, in_word = [], False, False
                i += 1
                continue
            if ch in "'\"":
                quote, blank_ok, in_word, in_quote = ch, True, False, True
            elif ch != escape:
                m = plain(rest, i)  # a run of plain characters, kept as they are
                word.append(m.group())
                i = m.end()
                continue
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
        elif ch != escape or quote == "'":
            j = rest.find(quote, i + 1)
            if quote != "'":
                k = rest.find(escape, i + 1, j if j != -1 else n)
                if k != -1:
                    j = k
            if j == -1:
                j = n
            word.append(rest[i:j])  # up to the closing quote or the next escape
            i = j
            continue
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


@cache
def _plain_run(escape: str) -> re.Pattern[str]:
    """A run of characters parse_words keeps as they are outside quotes, for ``escape``
    (compiled when first needed: most files never use the backtick)."""
    return re.compile("[^" + re.escape(GO_SPACE + "'\"" + escape) + "]+")


class _NotJSON(Exception):
    pass


def _reject_constant(name: str) -> object:
    raise _NotJSON(name)


def parse_json(args: str) -> list[str] | None:
    """BuildKit's ``parseJSON``: a list of strings, or None when it is not a JSON array."""
    rest = args.lstrip(GO_SPACE)
    if not rest.startswith("["):
        return None
    import json  # only for JSON text: not loaded at start-up

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
    return [s if s.isascii() else s.encode("utf-16", "surrogatepass").decode("utf-16", "replace") for s in data]


_SHELL_OR_JSON = frozenset({"RUN", "CMD", "ENTRYPOINT", "SHELL"})
_FILES = frozenset({"ADD", "COPY", "VOLUME"})
_ONE_VALUE = frozenset({"MAINTAINER", "STOPSIGNAL", "USER", "WORKDIR"})


def _dispatch(
    keyword: str,
    line: str,
    args: str,
    args_start: int,
    escape: str,
    kw: str,
    indent: str,
    parts: tuple[Part, ...],
) -> tuple[tuple[str, ...], bool, Semantics | None]:
    if keyword in _SHELL_OR_JSON:
        if not args:
            return (), False, None
        data = parse_json(args) if args[0] == "[" else None  # args start with no blank
        return (tuple(data), True, None) if data is not None else ((args,), False, None)
    if keyword in _FILES:
        data = parse_json(args) if args[:1] == "[" else None
        if data is not None:
            return tuple(data), True, None
        return _whitespace_split(args), False, None
    if keyword in ("FROM", "EXPOSE"):
        return _whitespace_split(args), False, None
    if keyword in _ONE_VALUE:
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
        inner = analyse_line(line, escape, kw, indent, parts, args_start)
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
