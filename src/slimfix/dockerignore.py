"""Docker's .dockerignore semantics, as moby/patternmatcher and BuildKit apply them.

Reading follows ``ignorefile.ReadAll``: a UTF-8 BOM is dropped, a line whose
first character is ``#`` is a comment, other lines are trimmed, cleaned like
Go's ``filepath.Clean`` and lose one leading ``/``.  Each pattern is then
checked like ``filepath.Match`` checks syntax and compiled the way
``patternmatcher.Pattern.compile`` does: to an exact, prefix or suffix test,
or to a regular expression (here translated from Go's RE2 dialect to Python's).

Matching follows ``MatchesUsingParentResults`` as BuildKit's context walker
(tonistiigi/fsutil ``filterFS.Walk``) uses it: patterns are tried in order,
each parent directory's results carry over to its children, and a later
``!`` exception can re-include a path.  ``walk_context`` prunes excluded
directories the way that walker does.
"""

from __future__ import annotations

import os
import re
import stat
import warnings
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from slimfix.cst.record import Frozen
from slimfix.cst.record import init_field as _set
from slimfix.io import is_temp_name

__all__ = [
    "DockerignoreError",
    "Matcher",
    "Pattern",
    "find_ignore_file",
    "go_clean",
    "parse_dockerignore",
    "read_dockerignore",
    "walk_context",
]

# Go's unicode.IsSpace, which strings.TrimSpace uses.
_GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"
_BOM = "\ufeff"
_REGEX_META = set(".+()|{}$")  # patternmatcher's shouldEscape set
_GLOB_CHARS = set("*[]?^\\")  # fsutil's patternChars on Unix


class DockerignoreError(ValueError):
    """A pattern Docker would reject; names the file, line and reason."""

    def __init__(self, path: str, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


class Pattern(Frozen):
    """One line of an ignore file.

    ``pattern`` is the cleaned pattern Docker matches with (without the ``!``);
    it is ``None`` for comment and blank lines, which are kept so a file can be
    rewritten without loss.  ``raw`` is the line without its line break.
    """

    __slots__ = _fields = ("line", "raw", "pattern", "exclusion", "kind", "regex")
    line: int
    raw: str
    pattern: str | None
    exclusion: bool
    kind: str  # "exact", "prefix", "suffix" or "regex"
    regex: re.Pattern[str] | None

    def __init__(
        self, line: int, raw: str, pattern: str | None = None, exclusion: bool = False, kind: str = "",
        regex: re.Pattern[str] | None = None,
    ) -> None:
        _set(self, "line", line)
        _set(self, "raw", raw)
        _set(self, "pattern", pattern)
        _set(self, "exclusion", exclusion)
        _set(self, "kind", kind)
        _set(self, "regex", regex)

    @property
    def is_rule(self) -> bool:
        return self.pattern is not None

    def matches(self, path: str) -> bool:
        """Whether this pattern alone matches the slash-separated ``path``."""
        assert self.pattern is not None, "comment lines match nothing"
        if self.kind == "exact":
            return path == self.pattern
        if self.kind == "prefix":
            return path.startswith(self.pattern[:-2])
        if self.kind == "suffix":
            suffix = self.pattern[2:]
            return path.endswith(suffix) or (suffix[:1] == "/" and path == suffix[1:])
        assert self.regex is not None
        return self.regex.fullmatch(path) is not None


def go_clean(path: str) -> str:
    """Go's ``path.Clean`` (``filepath.Clean`` on Unix)."""
    rooted = path.startswith("/")
    out: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if out and out[-1] != "..":
                out.pop()
            elif not rooted:
                out.append("..")
            continue
        out.append(part)
    cleaned = ("/" if rooted else "") + "/".join(out)
    return cleaned or "."


def _split_lines(text: str) -> list[str]:
    """Lines as Go's bufio.ScanLines yields them: split on LF, drop one CR."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def _read_all_form(line: str) -> str | None:
    """What ignorefile.ReadAll makes of one (non-comment) line, or None if blank."""
    pattern = line.strip(_GO_SPACE)
    if not pattern:
        return None
    invert = pattern[0] == "!"
    if invert:
        pattern = pattern[1:].strip(_GO_SPACE)
    if pattern:
        pattern = go_clean(pattern)
        if len(pattern) > 1 and pattern[0] == "/":
            pattern = pattern[1:]
    return "!" + pattern if invert else pattern


def parse_dockerignore(text: str, path: str = ".dockerignore") -> list[Pattern]:
    """Parse ignore-file text into one Pattern per line (comments and blanks kept).

    Raises DockerignoreError for a pattern Docker would refuse.
    """
    result: list[Pattern] = []
    for number, raw in enumerate(_split_lines(text), start=1):
        line = raw[1:] if number == 1 and raw.startswith(_BOM) else raw
        form = None if line.startswith("#") else _read_all_form(line)
        if form is None:
            result.append(Pattern(number, raw))
            continue
        result.append(_compile_rule(number, raw, form, path))
    return result


def read_dockerignore(file: Path) -> list[Pattern]:
    """Read and parse an ignore file; non-UTF-8 content is a DockerignoreError."""
    data = file.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DockerignoreError(str(file), line, "not valid UTF-8") from None
    return parse_dockerignore(text, str(file))


def _compile_rule(number: int, raw: str, form: str, path: str) -> Pattern:
    # patternmatcher.New: trim, clean again, split off "!".
    pattern = go_clean(form.strip(_GO_SPACE))
    exclusion = pattern[0] == "!"
    if exclusion:
        if len(pattern) == 1:
            raise DockerignoreError(path, number, 'illegal exclusion pattern: "!"')
        pattern = pattern[1:]
    try:
        _check_glob_syntax(pattern)
        kind, go_regex = _compile_kind(pattern)
        regex = _go_regex_to_python(go_regex) if kind == "regex" else None
    except _BadPattern as exc:
        raise DockerignoreError(path, number, f"bad pattern {pattern!r}: {exc}") from None
    return Pattern(number, raw, pattern, exclusion, kind, regex)


class _BadPattern(Exception):
    pass


# --- filepath.Match syntax check -------------------------------------------


def _check_glob_syntax(pattern: str) -> None:
    """Raise _BadPattern where Go's filepath.Match would return ErrBadPattern."""
    rest = pattern
    while rest:
        rest = rest.lstrip("*")
        chunk, rest = _scan_chunk(rest)
        _check_chunk(chunk)


def _scan_chunk(pattern: str) -> tuple[str, str]:
    in_range = False
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            if i + 1 < len(pattern):
                i += 1
        elif ch == "[":
            in_range = True
        elif ch == "]":
            in_range = False
        elif ch == "*" and not in_range:
            break
        i += 1
    return pattern[:i], pattern[i:]


def _check_chunk(chunk: str) -> None:
    i = 0
    while i < len(chunk):
        ch = chunk[i]
        if ch == "[":
            i += 1
            if i < len(chunk) and chunk[i] == "^":
                i += 1
            ranges = 0
            while True:
                if i < len(chunk) and chunk[i] == "]" and ranges > 0:
                    i += 1
                    break
                i = _class_char(chunk, i)
                if chunk[i] == "-":
                    i = _class_char(chunk, i + 1)
                ranges += 1
        elif ch == "\\":
            if i + 1 >= len(chunk):
                raise _BadPattern("trailing backslash")
            i += 2
        else:
            i += 1


def _class_char(chunk: str, i: int) -> int:
    """Go's getEsc: one class character, which must be followed by more."""
    if i >= len(chunk) or chunk[i] in "-]":
        raise _BadPattern("malformed character class")
    if chunk[i] == "\\":
        i += 1
        if i >= len(chunk):
            raise _BadPattern("malformed character class")
    i += 1
    if i >= len(chunk):
        raise _BadPattern("unterminated character class")
    return i


# --- patternmatcher.Pattern.compile -----------------------------------------


def _compile_kind(pattern: str) -> tuple[str, str]:
    """Return the match kind and, for "regex", the Go regular expression."""
    out = ["^"]
    kind = "exact"
    i = 0
    n = len(pattern)
    first = True
    while i < n:
        ch = pattern[i]
        i += 1
        if ch == "*":
            if i < n and pattern[i] == "*":
                i += 1
                if i < n and pattern[i] == "/":
                    i += 1
                if i >= n:
                    if kind == "exact":
                        kind = "prefix"
                    else:
                        out.append(".*")
                        kind = "regex"
                else:
                    out.append("(.*/)?")
                    kind = "regex"
                if first:
                    kind = "suffix"
            else:
                out.append("[^/]*")
                kind = "regex"
        elif ch == "?":
            out.append("[^/]")
            kind = "regex"
        elif ch in _REGEX_META:
            out.append("\\" + ch)
        elif ch == "\\":
            if i < n:
                out.append("\\" + pattern[i])
                i += 1
                kind = "regex"
            else:
                out.append("\\")
        elif ch in "[]":
            out.append(ch)
            kind = "regex"
        else:
            out.append(ch)
        first = False
    out.append("$")
    return kind, "".join(out)


# --- Go RE2 syntax to Python re ---------------------------------------------
#
# The expressions built above contain only literal characters, the anchors
# ^ and $, [^/]-style classes, (.*/)? groups, bracket classes copied from the
# pattern, and backslash escapes copied from the pattern.  Only the last two
# differ between Go and Python, so only they are translated.

_ASCII_CLASSES = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "ascii": "\x00-\x7f",
    "blank": "\t ",
    "cntrl": "\x00-\x1f\x7f",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": "!-/:-@[-`{-~",
    "space": "\t\n\v\f\r ",
    "upper": "A-Z",
    "word": "0-9A-Za-z_",
    "xdigit": "0-9A-Fa-f",
}
_PERL_CLASSES = {"d": "0-9", "s": "\t\n\f\r ", "w": "0-9A-Za-z_"}
_C_ESCAPES = {"a": "\a", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_MAX_RUNE = 0x10FFFF


def _ranges(spec: str) -> list[tuple[int, int]]:
    """Expand a range spec like "0-9A-Z_" into code point pairs."""
    out = []
    i = 0
    while i < len(spec):
        if i + 2 < len(spec) and spec[i + 1] == "-":
            out.append((ord(spec[i]), ord(spec[i + 2])))
            i += 3
        else:
            out.append((ord(spec[i]), ord(spec[i])))
            i += 1
    return out


def _negate(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    low = 0
    for lo, hi in sorted(ranges):
        if lo > low:
            out.append((low, lo - 1))
        low = max(low, hi + 1)
    if low <= _MAX_RUNE:
        out.append((low, _MAX_RUNE))
    return out


def _class_text(ranges: list[tuple[int, int]]) -> str:
    def esc(code: int) -> str:
        return f"\\U{code:08x}"

    return "".join(esc(lo) if lo == hi else f"{esc(lo)}-{esc(hi)}" for lo, hi in ranges)


def _escape(expr: str, i: int) -> tuple[int, int]:
    """Go's parseEscape at expr[i] == '\\': return (code point, next index)."""
    i += 1
    if i >= len(expr):
        raise _BadPattern("trailing backslash in regexp")
    c = expr[i]
    i += 1
    if ord(c) < 0x80 and not c.isalnum():
        return ord(c), i
    if c in _C_ESCAPES:
        return ord(_C_ESCAPES[c]), i
    if c == "0" or (c in "1234567" and i < len(expr) and expr[i] in "01234567"):
        value = int(c)
        for _ in range(2):
            if i < len(expr) and expr[i] in "01234567":
                value = value * 8 + int(expr[i])
                i += 1
        return value, i
    if c == "x" and i + 1 < len(expr) and all(d in "0123456789abcdefABCDEF" for d in expr[i : i + 2]):
        return int(expr[i : i + 2], 16), i + 2
    raise _BadPattern(f"regexp escape \\{c} is invalid or unsupported")


def _perl_class(expr: str, i: int) -> tuple[list[tuple[int, int]], int] | None:
    if expr[i] == "\\" and i + 1 < len(expr) and expr[i + 1].lower() in _PERL_CLASSES:
        letter = expr[i + 1]
        ranges = _ranges(_PERL_CLASSES[letter.lower()])
        return (_negate(ranges) if letter.isupper() else ranges), i + 2
    return None


def _bracket_class(expr: str, i: int) -> tuple[str, int]:
    """Translate a Go bracket class starting at expr[i] == '['."""
    i += 1
    negated = i < len(expr) and expr[i] == "^"
    if negated:
        i += 1
    ranges: list[tuple[int, int]] = []
    first = True
    while first or i >= len(expr) or expr[i] != "]":
        first = False
        if i >= len(expr):
            raise _BadPattern("missing closing ] in regexp")
        if expr.startswith("[:", i) and (end := expr.find(":]", i + 2)) != -1:
            name = expr[i + 2 : end]
            spec = _ASCII_CLASSES.get(name.removeprefix("^"))
            if spec is None:
                raise _BadPattern(f"invalid character class [:{name}:]")
            ranges += _negate(_ranges(spec)) if name.startswith("^") else _ranges(spec)
            i = end + 2
            continue
        perl = _perl_class(expr, i)
        if perl is not None:
            ranges += perl[0]
            i = perl[1]
            continue
        lo, i = _class_member(expr, i)
        hi = lo
        if i + 1 < len(expr) and expr[i] == "-" and expr[i + 1] != "]":
            hi, i = _class_member(expr, i + 1)
            if hi < lo:
                raise _BadPattern("invalid character class range")
        ranges.append((lo, hi))
    i += 1
    if negated:
        ranges = _negate(ranges)
    return (f"[{_class_text(ranges)}]" if ranges else "(?!)"), i


def _class_member(expr: str, i: int) -> tuple[int, int]:
    if i >= len(expr):
        raise _BadPattern("missing closing ] in regexp")
    if expr[i] == "\\":
        return _escape(expr, i)
    return ord(expr[i]), i + 1


@lru_cache(maxsize=1024)
def _go_regex_to_python(expr: str) -> re.Pattern[str]:
    """The Python pattern for a Go one (kept by it: a run reads the same ignore-file lines for
    every Dockerfile of a context, and SF001 the lines it proposes)."""
    out: list[str] = []
    i = 0
    while i < len(expr):
        ch = expr[i]
        if ch == "[":
            text, i = _bracket_class(expr, i)
            out.append(text)
        elif ch == "\\":
            special = expr[i + 1 : i + 2]
            perl = _perl_class(expr, i)
            if perl is not None:
                out.append(f"[{_class_text(perl[0])}]")
                i = perl[1]
            elif special in ("b", "B", "A"):
                out.append("\\" + special)
                i += 2
            elif special == "z":
                out.append("\\Z")
                i += 2
            else:
                code, i = _escape(expr, i)
                out.append(re.escape(chr(code)))
        elif ch == "$":
            out.append("\\Z")
            i += 1
        elif ch == "(":
            # Only ever the "(.*/)?" that _compile_kind writes.
            out.append("(?:")
            i += 1
        else:
            out.append(re.escape(ch) if ch not in "^.*?)/" else ch)
            i += 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return re.compile("".join(out), re.ASCII)
        except re.error as exc:
            raise _BadPattern(str(exc)) from None


# --- matching ---------------------------------------------------------------


def _relative(relpath: str) -> str:
    path = go_clean(relpath.replace(os.sep, "/"))
    return path.lstrip("/") or "."


class Matcher:
    """The rules of an ignore file, applied the way BuildKit applies them."""

    def __init__(self, patterns: Iterable[Pattern]) -> None:
        self.rules: tuple[Pattern, ...] = tuple(p for p in patterns if p.is_rule)
        self.has_exceptions = any(p.exclusion for p in self.rules)
        self._prefix_exceptions = [
            _without_trailing_glob(p.pattern) + "/" for p in self.rules if p.exclusion and p.pattern
        ]
        self._only_prefix_exceptions = not any(
            set(_without_trailing_glob(p.pattern)) & _GLOB_CHARS for p in self.rules if p.exclusion and p.pattern
        )
        # without exceptions: the first exact rule per pattern, and the other rules in order
        self._exact: dict[str, int] = {}
        for index, rule in reversed(list(enumerate(self.rules))):
            if rule.kind == "exact":
                self._exact[rule.pattern or ""] = index
        self._others = [(index, rule) for index, rule in enumerate(self.rules) if rule.kind != "exact"]
        self._no_hits = (False,) * len(self.rules)

    def step(self, path: str, parent: tuple[bool, ...] | None) -> tuple[bool, tuple[bool, ...]]:
        """patternmatcher's MatchesUsingParentResults for one path.

        ``parent`` is what this returned for the parent directory (None at the
        top level).  Returns (excluded, results to pass to children).
        """
        if self.has_exceptions or (parent and True in parent):
            return self._step_in_order(path, parent)
        # No exception and no parent hit: the rules are tried in order until the first one matching
        # excludes the path, and that is the only hit.  An exact rule is one dictionary lookup, so a
        # long list of literal lines (slimfix's own block) costs no more than a short one.
        first = self._exact.get(path, len(self.rules))
        for index, rule in self._others:
            if index > first:
                break
            if rule.matches(path):
                first = index
                break
        if first == len(self.rules):
            return False, self._no_hits
        return True, self._no_hits[:first] + (True,) + self._no_hits[first + 1 :]

    def _step_in_order(self, path: str, parent: tuple[bool, ...] | None) -> tuple[bool, tuple[bool, ...]]:
        """``step``, trying every rule in order."""
        excluded = False
        results = []
        for index, rule in enumerate(self.rules):
            hit = parent[index] if parent else False
            if not hit and rule.exclusion == excluded:
                hit = rule.matches(path)
            results.append(hit)
            if hit:
                excluded = not rule.exclusion
        return excluded, tuple(results)

    def excluded(self, relpath: str, is_dir: bool = False) -> bool:
        """Whether Docker leaves ``relpath`` (relative to the context) out.

        Docker patterns cannot single out directories (a trailing ``/`` is
        cleaned away), so ``is_dir`` does not change the answer; it is accepted
        so callers can pass what they know.
        """
        del is_dir
        path = _relative(relpath)
        if path == "." or not self.rules:
            return False
        parts = path.split("/")
        info: tuple[bool, ...] | None = None
        for depth in range(1, len(parts)):
            parent_excluded, info = self.step("/".join(parts[:depth]), info)
            if parent_excluded and self.prunes("/".join(parts[:depth])):
                return True
        return self.step(path, info)[0]

    def prunes(self, directory: str) -> bool:
        """For an excluded directory: whether BuildKit skips its contents."""
        if not self.has_exceptions:
            return True
        if not self._only_prefix_exceptions:
            return False
        prefix = directory + "/"
        return not any(p.startswith(prefix) for p in self._prefix_exceptions)


def _without_trailing_glob(pattern: str) -> str:
    return pattern.removesuffix("/**").removesuffix("/*")


def walk_context(root: Path, matcher: Matcher) -> Iterator[tuple[str, int]]:
    """Yield (relpath, size) for every non-directory entry sent to the builder.

    Entries come in BuildKit's order (names sorted per directory); symlinks are
    not followed and count their own size.
    """
    yield from _walk(Path(root), "", None, matcher)


def _walk(directory: Path, prefix: str, info: tuple[bool, ...] | None, matcher: Matcher) -> Iterator[tuple[str, int]]:
    with os.scandir(directory) as scan:
        entries = sorted(scan, key=lambda e: e.name)
    for entry in entries:
        if is_temp_name(entry.name):
            continue
        rel = prefix + entry.name
        excluded, child_info = matcher.step(rel, info)
        try:
            st = entry.stat(follow_symlinks=False)
        except FileNotFoundError:  # removed since the listing (another process's temporary file)
            continue
        if stat.S_ISDIR(st.st_mode):
            if excluded and matcher.prunes(rel):
                continue
            yield from _walk(Path(entry.path), rel + "/", child_info, matcher)
        elif not excluded:
            yield rel, st.st_size


def find_ignore_file(context_dir: Path, dockerfile_path: Path | None = None) -> Path | None:
    """The ignore file BuildKit uses for this build, if any.

    ``<Dockerfile name>.dockerignore`` beside the Dockerfile wins over the
    context's ``.dockerignore``.
    """
    # os.path on strings: SF001 asks on every pass, where pathlib's objects cost more than the stat
    if dockerfile_path is not None:
        specific = os.fspath(dockerfile_path) + ".dockerignore"
        if os.path.isfile(specific):
            return Path(specific)
    default = os.path.join(context_dir, ".dockerignore")
    return Path(default) if os.path.isfile(default) else None
