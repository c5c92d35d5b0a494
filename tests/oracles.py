r"""Reference parsers that slimfix's own parser is checked against.

Two oracles, both installed from PyPI by the ``test`` extra:

``buildkit(text)``
    The ``dockerfile`` package (asottile/dockerfile 3.4.0): BuildKit's Go parser
    compiled into a CPython extension.  It vendors **moby/buildkit v0.12.5**
    (mid-2023, Go 1.20), not today's BuildKit, so it predates ``# check=`` and a few
    value-shape changes (listed below).  It returns ``Command`` tuples; we normalize
    them to :class:`OracleInstr`.

``dockerfile_parse_boundaries(text)``
    ``dockerfile_parse.DockerfileParser`` (containerbuildsystem, 2.0.1): a regex,
    line-based parser.  We only take instruction boundaries from it.

How BuildKit v0.12.5 behaves (each point is pinned in ``tests/test_oracles.py``)
------------------------------------------------------------------------------

Lines, newlines, BOM
    * Lines end at ``\n`` only.  A trailing ``\r`` (CRLF) is stripped, but a lone
      ``\r`` is *not* a line break: ``"FROM x\rRUN a"`` is one ``FROM`` whose value
      is ``("x", "RUN", "a")`` (``\r`` counts as blank between words).  A ``\r``
      inside a line survives in the value (``RUN a\rb`` -> ``("a\rb",)``).
    * A UTF-8 BOM is stripped from the first line only; it does not take a line
      number and a ``# escape=`` after it still counts.
    * A line longer than 65535 bytes raises "dockerfile line greater than max
      allowed size of 65535".
    * An empty file, or one with only comments/blank lines, raises
      "file with no instructions".  A file without ``FROM`` is accepted.

Parser directives
    * Only ``syntax`` and ``escape`` are known (``check`` is newer than v0.12.5).
      Directives are read from the top; the first line that is not a known
      directive (a blank line, an ordinary comment, ``# check=...``, an
      instruction) ends the directive block, so a later ``# escape=`` is just a
      comment.  Keys are case-insensitive, blanks around ``#`` and ``=`` are
      allowed, and leading indentation is allowed (``  # escape=`` works).
    * ``# escape=x`` raises "invalid escape token 'x' does not match ` or \";
      a repeated directive raises "only one escape parser directive can be used"
      (likewise for ``syntax``).  A shebang line ``#!...`` is an ordinary comment.

Continuations
    * The escape char, optionally followed by blanks (spaces/tabs, and ``\r``),
      at the end of a line continues the instruction; an escaped escape
      (``a \\``) does not.  The escape char and the newline are removed, nothing
      else: ``"RUN a \\\n  b"`` gives ``"a   b"`` (indent kept).
    * Comment lines (even indented) inside a continuation are dropped; they count
      for line numbers.  Empty or blank lines inside a continuation are skipped
      too (BuildKit only warns), so ``"RUN a \\\n\nRUN b"`` is ONE instruction
      with value ``("a RUN b",)``.
    * A line holding only the escape char is a continuation line contributing
      nothing.  When it *starts* an instruction, that instruction starts on it
      (``"\\\nRUN a"`` is RUN on lines 1-2); with nothing but comments/blank
      lines after it, BuildKit yields a nameless instruction (the package gives
      ``cmd=None, original=None, value=("",)``; we report keyword ``""``).
    * A continuation at EOF (with or without final newline) simply ends the
      instruction: ``"RUN a \\"`` -> ``("a",)``, ``original == "RUN a "``.
    * Under the default escape, ``WORKDIR C:\`` continues onto the next line.

Keywords and values
    * ``Command.cmd`` keeps the case written (the package's docs say lower-case;
      they are wrong).  We upper-case it.
    * Keyword and arguments are separated by ``[\t\v\f\r ]+``; a NBSP is not a
      separator, so ``"FROM\u00a0x"`` is an unknown instruction.
    * Unknown instructions (``FOO bar``, ``RÜN a``, a heredoc body line that was
      not consumed) are accepted with value ``("",)``.
    * Instructions without arguments (``RUN``, ``CMD``, ``FROM``, ``ARG``,
      ``HEALTHCHECK``, ``MAINTAINER``, ``ONBUILD``) are accepted with value ``()``;
      the checks that reject them live in BuildKit's instruction layer, which the
      oracle does not run.  Likewise ``HEALTHCHECK FOO`` is accepted.
    * ``#`` after the keyword is not a comment (``FROM x # y`` has 5 words).
    * Shell form of RUN/CMD/ENTRYPOINT/SHELL: one string, the rest of the line
      (trailing blanks trimmed, inner blanks kept).  FROM/EXPOSE/VOLUME/COPY/ADD
      (non-JSON) split on blanks; USER/WORKDIR/MAINTAINER/STOPSIGNAL are one string.
    * ENV/LABEL give flat ``(key, value, key, value, ...)`` with quotes kept
      (``A="2 3"`` -> ``"A", '"2 3"'``).  Today's BuildKit adds a separator node
      after each pair (``"="`` or ``""``); v0.12.5 does not.  ``ENV A`` raises
      "ENV must have two arguments"; ``ENV A=1 B`` raises "Syntax error - can't
      find = in "B". Must be of the form: name=value".  ``ENV C 4 5`` ->
      ``("C", "4 5")``.  ARG keeps ``"V=1"`` as one word.
    * ``HEALTHCHECK CMD curl x`` -> ``("CMD", "curl x")``; JSON form ->
      ``("CMD", "curl", "x")`` with ``json=True``; ``HEALTHCHECK NONE`` -> ``("NONE",)``.

Flags
    * Leading ``--words`` become flags, unquoted and unescaped
      (``--mount="a b"`` -> ``"--mount=a b"``, always with ``\`` as escape in
      v0.12.5); a bare ``--`` ends the flags and is dropped.
    * Flags are scanned byte by byte (also in today's BuildKit): each non-ASCII
      byte becomes its own Latin-1 character, so ``--chown=…`` comes back as
      ``"--chown=â\x80¦"``, and the bytes 0x85 and 0xA0 (inside the UTF-8 of
      ``à``, NBSP, ...) count as blanks and split the word (``--chown=à`` ->
      ``"--chown=Ã"``).  HEALTHCHECK's type word is split the same way; when the
      split leaves invalid UTF-8 (``HEALTHCHECK cmd\u00a0 a``) the package raises
      ``UnicodeDecodeError`` and :func:`buildkit` reports ``unsupported``.
    * ONBUILD: ``flags`` are the ONBUILD node's own (``ONBUILD --foo RUN a`` ->
      ``("--foo",)``); **the wrapped instruction's flags are lost**
      (``ONBUILD RUN --mount=x a`` gives ``flags=()``).

JSON form
    * Used when the arguments start with ``[`` and decode as a JSON array of
      strings.  v0.12.5 uses a streaming decoder, so **trailing text after the
      array is ignored** (``CMD ["a"] foo`` -> json, ``("a",)``); today's BuildKit
      rejects that and falls back to shell form.
    * Invalid JSON (``["a",``, ``['a']``) silently falls back to shell form.
    * A valid array with a non-string (``[1]``, ``[null]``, nested) raises
      "when using JSON array syntax, arrays must be comprised of strings only".
    * ``\uXXXX`` escapes and surrogate pairs are decoded.  EXPOSE has no JSON
      form (``EXPOSE ["80"]`` is the word ``'["80"]'``).
    * ONBUILD copies the wrapped instruction's ``json`` attribute.

Heredocs (RUN, COPY, ADD in shell form only)
    * A heredoc is a whole blank-separated word matching ``^(\d*)<<(-?)(word)$``:
      ``cat<<EOF`` and ``<< EOF`` are *not* heredocs, ``\<<EOF`` and ``'<<EOF'``
      are not, ``3<<EOF`` is (fd 3), ``<<EOF;`` names ``EOF;``, ``<<E"O"F`` and
      ``<<\EOF`` name ``EOF``.  An unbalanced quote (``<<"EOF``) is no heredoc.
      CMD/ENTRYPOINT/JSON RUN never take heredocs; their body lines become
      (unknown) instructions.
    * Several heredocs on one line are read one after the other, in order.
    * ``content`` is every body line verbatim with its newline (``\r\n`` kept),
      without the terminator; ``<<-`` is **not** applied to the content (leading
      tabs kept) but the terminator may be tab-indented; blanks other than tabs
      (or trailing blanks) make the line body, not terminator.  A CRLF
      terminator line matches.  A missing terminator raises "unterminated heredoc".
    * ``end_line`` is the line of the last terminator.  ``value`` only holds the
      instruction line (``("<<EOF",)``).  The package rebuilds ``original`` as
      ``line + "\n" + content + name + "\n"`` per heredoc: it is not the source.
    * ONBUILD RUN/COPY heredocs are consumed (``end_line`` covers them) but the
      package reports ``heredocs=()`` for them.
    * Heredoc word parsing always uses ``\`` even under ``# escape=```.
    * The name is lexed with Go's ``text/scanner``, which skips a U+FEFF at the
      start of its input: ``<<\ufeffEOF`` names ``EOF`` (terminated by ``EOF``),
      while ``<<E\ufeffOF`` and ``<<'\ufeffEOF'`` keep it.

Errors
    * Every parse error is ``dockerfile.GoParseError`` (a ``ValueError``) whose
      message has **no line number**.
    * The wrapper converts the Python str with C strings: text is **silently
      truncated at the first NUL**, and a lone surrogate (``"\udc80"``) makes
      ``PyUnicode_AsUTF8String`` fail and the Go side **segfaults the whole
      process**.  :func:`buildkit` therefore refuses both and returns an
      :class:`OracleError` with ``unsupported=True``; likewise when the package
      cannot decode what Go returned (see Flags).

How dockerfile_parse 2.0.1 behaves
----------------------------------
    * Lines are ``bytes.readlines()``: split on ``\n`` only; decoded as UTF-8
      without stripping a BOM, so ``"\ufeffFROM x"`` gives keyword ``"\ufeffFROM"``
      and a ``# escape=`` after a BOM is ignored.
    * ``# escape=`` is honoured only among leading ``syntax``/``escape`` comment
      lines; ``# check=`` ends that block (same as BuildKit v0.12.5).  Invalid
      escape values are ordinary comments, never errors.
    * A line ending in the escape char plus blanks continues, even ``\\``.
    * An empty line ends a continuation (BuildKit skips it); the indented next
      line becomes its own upper-cased "instruction" (``b`` -> ``"B"``).
    * Comments inside a continuation are separate ``COMMENT`` entries listed
      before the instruction they interrupt; we drop all comments.
    * A continuation that reaches EOF **drops the instruction** entirely.
    * A keyword with no argument is kept only if a newline follows it
      (``"RUN\n"`` -> ``RUN``; ``"RUN"`` at EOF is lost).
    * Heredocs are unknown: body lines become instructions.
    * Keywords are upper-cased, unknown ones included; it never raises on text.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

import dockerfile
from dockerfile_parse import DockerfileParser

__all__ = [
    "OracleError",
    "OracleInstr",
    "buildkit",
    "buildkit_accepts",
    "dockerfile_parse_boundaries",
    "json_with_trailing_text",
]


@dataclass(frozen=True)
class OracleInstr:
    """One instruction as BuildKit v0.12.5 sees it (1-based, inclusive lines)."""

    keyword: str
    start_line: int
    end_line: int
    flags: tuple[str, ...]
    value: tuple[str, ...]
    json: bool
    heredocs: tuple[tuple[str, str], ...]
    sub_cmd: str | None
    original: str


@dataclass(frozen=True)
class OracleError:
    """BuildKit rejected the text (``unsupported`` False) or cannot be asked."""

    message: str
    unsupported: bool = False


def _unsupported_reason(text: str) -> str | None:
    if "\x00" in text:
        return "text contains NUL; the oracle would silently truncate it"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "text is not encodable as UTF-8; the oracle would crash the process"
    return None


def buildkit(text: str) -> list[OracleInstr] | OracleError:
    """Parse ``text`` with BuildKit v0.12.5's parser; never raises on any str."""
    reason = _unsupported_reason(text)
    if reason is not None:
        return OracleError(reason, unsupported=True)
    try:
        commands = dockerfile.parse_string(text)
    except dockerfile.GoParseError as exc:
        return OracleError(str(exc))
    except UnicodeDecodeError as exc:
        return OracleError(f"the oracle produced invalid UTF-8: {exc}", unsupported=True)
    return [
        OracleInstr(
            keyword=(cmd.cmd or "").upper(),
            start_line=cmd.start_line,
            end_line=cmd.end_line,
            flags=tuple(cmd.flags),
            value=tuple(cmd.value),
            json=bool(cmd.json),
            heredocs=tuple((doc.name, doc.content) for doc in cmd.heredocs),
            sub_cmd=cmd.sub_cmd.upper() if cmd.sub_cmd else None,
            original=cmd.original or "",
        )
        for cmd in commands
    ]


def buildkit_accepts(text: str) -> bool:
    """True when BuildKit v0.12.5 parses ``text`` without error."""
    return not isinstance(buildkit(text), OracleError)


def dockerfile_parse_boundaries(text: str) -> list[tuple[str, int, int]] | None:
    """(KEYWORD, first line, last line), 1-based, for each non-comment instruction.

    None when the text cannot be handed to dockerfile_parse (not UTF-8 encodable).
    """
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        return None
    parser = DockerfileParser(fileobj=io.BytesIO(data))
    return [
        (item["instruction"], item["startline"] + 1, item["endline"] + 1)
        for item in parser.structure
        if item["instruction"] != "COMMENT"
    ]


def json_with_trailing_text(args: str) -> bool:
    """v0.12.5 reads ``CMD ["a"] x`` as JSON; today's BuildKit (and slimfix) as shell form."""
    start = args.find("[")
    try:
        _, end = json.JSONDecoder().raw_decode(args[start:])
    except ValueError:
        return False
    return start >= 0 and bool(args[start + end :].strip())
