"""BuildKit's word lexer, as far as the parser needs it: finding here-documents on a line.

BuildKit (``frontend/dockerfile/parser``) splits an instruction's line into shell words with
its own lexer, raw quotes and raw escapes kept, and looks for words like ``<<EOF``,
``<<-"EOF"`` or ``2<<EOF``.  A lexing error there means "no here-documents", not a failure.
"""

from __future__ import annotations

import re
from functools import cache

from slimfix.cst.text import GO_SPACE, GO_SPACE_SET, GO_WORD
from slimfix.lazy_re import Lazy

_HEREDOC = Lazy(r"^(\d*)<<(-?)([^<]*)$", re.DOTALL)
# what process_words would change in a heredoc name (a leading BOM is dropped)
_SPECIAL = Lazy("['\"$\\\\\ufeff]")
_NAME = Lazy(r"[A-Za-z0-9_]+|[*#@?$!0-9-]")


class LexError(ValueError):
    pass


def process_words(
    src: str, *, raw_quotes: bool, raw_escapes: bool, skip_unset: bool, escape: str = "\\"
) -> list[str]:
    """Split ``src`` into words the way BuildKit's ``ProcessWords`` does with no variables set."""
    if src.startswith("\ufeff"):  # Go's text/scanner skips a byte-order mark at the start
        src = src[1:]
    if "'" not in src and '"' not in src and "$" not in src and escape not in src:
        return GO_WORD.findall(src)  # nothing to unquote or expand: words are the non-blank runs
    plain = _plain_run(escape).match
    words: list[str] = []
    word: list[str] = []
    in_word = False
    i, n = 0, len(src)

    def add_char(ch: str) -> None:
        nonlocal in_word
        if ch in GO_SPACE_SET:
            if in_word:
                words.append("".join(word))
                word.clear()
                in_word = False
        else:
            word.append(ch)
            in_word = True

    while i < n:
        ch = src[i]
        if ch in GO_SPACE_SET:
            if in_word:
                words.append("".join(word))
                word.clear()
                in_word = False
            i += 1
        elif ch == "'":
            j = src.find("'", i + 1)
            if j == -1:
                raise LexError("unexpected end of statement while looking for matching single-quote")
            inner = src[i + 1 : j]
            word.append(f"'{inner}'" if raw_quotes else inner)
            in_word = True
            i = j + 1
        elif ch == '"':
            out, i = _double_quote(src, i + 1, raw_quotes, raw_escapes, skip_unset, escape)
            word.append(out)
            in_word = True
        elif ch == "$":
            out, i = _dollar(src, i + 1, skip_unset, escape)
            for c in out:
                add_char(c)
        elif ch == escape:
            i += 1
            if raw_escapes:
                word.append(ch)
                in_word = True
            if i >= n:
                break
            word.append(src[i])
            in_word = True
            i += 1
        else:
            m = plain(src, i)  # a run of characters kept as they are
            word.append(m.group())
            in_word = True
            i = m.end()
    if in_word:
        words.append("".join(word))
    return words


@cache
def _plain_run(escape: str) -> re.Pattern[str]:
    """Characters process_words keeps as they are, for ``escape`` (compiled when first needed:
    most files never use the backtick)."""
    return re.compile("[^" + re.escape(GO_SPACE + "'\"$" + escape) + "]+")


def _double_quote(
    src: str, i: int, raw_quotes: bool, raw_escapes: bool, skip_unset: bool, escape: str
) -> tuple[str, int]:
    out = ['"'] if raw_quotes else []
    n = len(src)
    while True:
        if i >= n:
            raise LexError("unexpected end of statement while looking for matching double-quote")
        ch = src[i]
        if ch == '"':
            if raw_quotes:
                out.append('"')
            return "".join(out), i + 1
        if ch == "$":
            value, i = _dollar(src, i + 1, skip_unset, escape)
            out.append(value)
            continue
        i += 1
        if ch == escape:
            if i >= n:
                raise LexError("unexpected end of statement while looking for matching double-quote")
            nxt = src[i]
            if nxt in ('"', "$", escape):
                if raw_escapes:
                    out.append(ch)
                out.append(nxt)
                i += 1
            else:
                out.append(ch)
            continue
        out.append(ch)


def _dollar(src: str, i: int, skip_unset: bool, escape: str) -> tuple[str, int]:
    """``$name`` or ``${...}`` with no variable set: empty, or kept literally under skip_unset."""
    n = len(src)
    if i >= n:
        return "$", i
    if src[i] == "{":
        depth, j = 1, i + 1
        while j < n and depth:
            if src[j] == "{":
                depth += 1
            elif src[j] == "}":
                depth -= 1
            j += 1
        if depth:
            raise LexError("missing '}'")
        body = src[i + 1 : j - 1]
        m = re.match(r"[A-Za-z0-9_]+", body)
        if not m:
            raise LexError(f"bad substitution: ${{{body}}}")
        rest = body[m.end() :]
        if rest.startswith((":-", "-")):
            word = rest[2:] if rest.startswith(":-") else rest[1:]
            return "".join(process_words(word, raw_quotes=False, raw_escapes=False, skip_unset=skip_unset, escape=escape)), j
        if rest.startswith((":?", "?")):
            raise LexError(f"{m.group()}: is not allowed to be unset")
        return (f"${{{body}}}" if skip_unset else ""), j
    m = _NAME.match(src, i)
    if not m:
        return "$", i
    return (f"${m.group()}" if skip_unset else ""), m.end()


def heredoc_names(line: str) -> list[tuple[str, bool, bool, int]]:
    """The here-documents a line opens: ``(name, chomp, expand, fd)`` in order."""
    try:
        # unset variables stay as written ("<<-$EOF" opens a heredoc named "$EOF", as BuildKit reads it)
        words = process_words(line, raw_quotes=True, raw_escapes=True, skip_unset=True)
    except LexError:
        return []
    found = []
    for word in words:
        if "<<" not in word:
            continue
        m = _HEREDOC.match(word)
        if not m or not m.group(3):
            continue
        rest = m.group(3)
        fd = int(m.group(1)) if m.group(1) else 0
        if not _SPECIAL.search(rest):  # nothing to unquote or expand: the name is as written
            found.append((rest, m.group(2) == "-", True, fd))
            continue
        try:
            plain = process_words(rest, raw_quotes=False, raw_escapes=False, skip_unset=True)
            raw = process_words(rest, raw_quotes=True, raw_escapes=False, skip_unset=True)
        except LexError:
            continue
        if len(plain) != 1 or len(raw) != 1:
            continue
        quotes = plain[0].count("'") + plain[0].count('"')
        raw_quotes = raw[0].count("'") + raw[0].count('"')
        found.append((plain[0], m.group(2) == "-", quotes == raw_quotes, fd))
    return found
