"""The shell-word view of a shell-form RUN, CMD or ENTRYPOINT.

A command line is split into simple commands joined by ``&&``, ``||``, ``;``, ``|``, ``&``,
each a list of words with quoting and ``$VAR`` understood.  Every word keeps its offsets in
the instruction's text (``Instruction.text``), so a transform can insert a flag after a word
or append a command while keeping the author's layout.  What the view does not understand
(``case``, a shell comment, ``sh -c '...'``, here-documents) is reported in ``opaque``, never
guessed at.
"""

from __future__ import annotations

import sys
from bisect import bisect_left, bisect_right
from functools import lru_cache

from slimfix import across
from slimfix.cst.nodes import Continuation, Instruction
from slimfix.cst.record import Record
from slimfix.cst.semantics import Semantics
from slimfix.lazy_re import Lazy

OPERATORS = ("&&", "||", ";;", "|&", ";", "|", "&", "(", ")")
_OPERATOR_START = frozenset(op[0] for op in OPERATORS)
_CONTROL_PREFIX = frozenset({"if", "then", "elif", "else", "while", "until", "do", "!", "{", "time"})
_CONTROL_END = frozenset({"fi", "done", "esac", "}"})
_WRAPPERS = frozenset({"sudo", "env", "nice", "nohup", "command", "exec", "stdbuf", "timeout"})
SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "/bin/sh", "/bin/bash", "/bin/dash", "/bin/ash", "/usr/bin/env"})
# In a Script's memo: the instruction whose text its offsets are in, when that is not the RUN's
# own (a here-document's script, ``slimfix.heredocs``); edits follow that text's layout.
LAYOUT = "layout"


class Word(Record):
    """One shell word: ``raw`` as written, ``value`` unquoted (None when it holds an expansion:
    ``$VAR``, ``$(...)``, a backtick group), ``start``/``end`` offsets in the instruction's text."""

    __slots__ = _fields = ("raw", "value", "start", "end")

    def __init__(self, raw: str, value: str | None, start: int, end: int) -> None:
        self.raw = raw
        self.value = value
        self.start = start
        self.end = end

    @property
    def text(self) -> str:
        return self.value if self.value is not None else self.raw


class Command(Record):
    """A simple command: optional ``X=Y`` assignments and wrappers, then the program's argv.

    ``words``, ``redirects``, ``op_before`` (the operator that joins it to the previous
    command), ``depth`` (nesting inside if/while/for/subshell/braces; 0 at top level) and
    ``argv_index`` (index in ``words`` of the program word, after assignments and wrappers);
    ``program`` is computed from them once: the rules ask for it about a thousand times a file.
    """

    __slots__ = (*(_fields := ("words", "redirects", "op_before", "depth", "argv_index")), "program", "_args")

    def __init__(self, words: tuple[Word, ...], redirects: tuple[Word, ...], op_before: str | None, depth: int,
                 argv_index: int) -> None:
        self.words = words
        self.redirects = redirects
        self.op_before = op_before
        self.depth = depth
        self.argv_index = argv_index
        self._args: tuple[str, ...] | None = None
        if argv_index >= len(words):
            self.program = ""
        else:  # the program's base name (``/usr/bin/apt-get`` -> ``apt-get``)
            word = words[argv_index]
            text = word.raw if word.value is None else word.value
            self.program = text[text.rfind("/") + 1 :]

    @property
    def argv(self) -> tuple[Word, ...]:
        return self.words[self.argv_index :]

    @property
    def args(self) -> tuple[str, ...]:
        """The argv as text, computed once (``has_flag`` and the rules read it many times)."""
        found = self._args
        if found is None:
            found = self._args = tuple([w.raw if w.value is None else w.value for w in self.words[self.argv_index :]])
        return found

    @property
    def assignments(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for w in self.words[: self.argv_index]:
            name, eq, value = w.text.partition("=")
            if eq and _is_name(name):
                out[name] = value
        return out

    @property
    def start(self) -> int:
        return self.words[0].start

    @property
    def end(self) -> int:
        last = max((w.end for w in (*self.words, *self.redirects)), default=self.start)
        return last

    def operands(self) -> tuple[str, ...]:
        """Arguments after the program that are not options (``-x``, ``--flag``)."""
        return tuple(a for a in self.args[1:] if not a.startswith("-"))

    def subcommand(self) -> str | None:
        ops = self.operands()
        return ops[0] if ops else None

    def is_(self, program: str, *sub: str) -> bool:
        if self.program != program:
            return False
        if not sub:
            return True
        return self.subcommand() in sub

    def has_flag(self, *names: str) -> bool:
        """Whether an argument after the program is one of ``names``: ``--name`` also as
        ``--name=value``, ``-x`` also inside a cluster of short options (``-xy``)."""
        shorts = None
        for a in self.args[1:]:
            if a in names:
                return True
            if a[:1] != "-":
                continue  # an operand
            if a[1:2] == "-":
                if "=" in a and a.partition("=")[0] in names:
                    return True
            else:
                if shorts is None:
                    shorts = [n[1] for n in names if len(n) == 2 and n[0] == "-" and n[1] != "-"]
                if any(c in a[1:] for c in shorts):
                    return True
        return False

    def word_index(self, value: str) -> int | None:
        """Index in ``argv`` of the first word whose value is ``value``."""
        for k, w in enumerate(self.argv):
            if w.text == value:
                return k
        return None


class Script(Record):
    """The view of one command line: ``commands``, ``opaque`` (what the view did not
    understand), ``end`` (offset in ``instr.text`` just after the last token), ``comment`` (the
    offset of a trailing shell comment, if any) and ``ops`` (``(operator, start, end)`` in the
    text).  ``__dict__`` holds what other modules memoise about it (a pure function of it)."""

    __slots__ = (*(_fields := ("commands", "opaque", "end", "comment", "ops")), "__dict__")

    def __init__(self, commands: tuple[Command, ...], opaque: tuple[str, ...], end: int, comment: int | None = None,
                 ops: tuple[tuple[str, int, int], ...] = ()) -> None:
        self.commands = commands
        self.opaque = opaque
        self.end = end
        self.comment = comment
        self.ops = ops

    @property
    def understood(self) -> bool:
        return not self.opaque


# What ends a word's plain run: blanks, operator and redirect characters, quotes, escapes and
# expansions.  Everything else (``#`` too, inside a word) is taken as written.
_PLAIN = Lazy(r"[^ \t\n\r\v\f&|;()<>\\'\"$`]*")
_BLANKS = Lazy(r"[ \t\n\r\v\f]*")
_REDIR_BLANKS = Lazy(r"[ \t]*")
_WORD_END = frozenset(" \t\n\r\v\f|;()<>")
_OPERATOR = Lazy(r"&&|\|\||;;|\|&|;|\||&(?!>)|\(|\)")  # OPERATORS, in order; ``&>`` is a redirect
_REDIRECT = Lazy(r"&>>|&>|<<<|<<-|<<|>>|>&|<&|>\||<>|>|<")  # tried in this order
# An operator, or a word that starts with an ASCII character that cannot start a comment, a
# redirect (``2>``) or a quote and holds only ordinary characters; then the blanks after it.
_SIMPLE_TOKEN = Lazy(
    r"(?:(&&|\|\||;;|\|&|;|\||&(?!>)|\(|\))"
    r"|((?![&|;()<>\\'\"$`#0-9])[\x21-\x7e][^ \t\n\r\v\f&|;()<>\\'\"$`]*)(?=[ \t\n\r\v\f|;()<>]|\Z))"
    r"[ \t\n\r\v\f]*"
)
_DOUBLE_PLAIN = Lazy(r"[^\"\\$`]*")
_GROUP_PLAIN = {"(": Lazy(r"[^'\"\\()]*"), "{": Lazy(r"[^'\"\\{}]*")}
_QUOTED_PLAIN = Lazy(r'[^"\\]*')


class _Lexer:
    """Splits a POSIX shell command line into words and operators, with offsets.

    Runs of ordinary characters are taken with one regular expression each; quotes, escapes
    and expansions are then read a character at a time.
    """

    def __init__(self, src: str) -> None:
        self.src = src
        self.opaque: list[str] = []

    def tokens(self) -> tuple[list[tuple[str, str, int, int, str | None]], int | None]:
        """``(kind, raw, start, end, value)`` with kind ``word``, ``op`` or ``redir``."""
        src, n = self.src, len(self.src)
        i = _BLANKS.match(src).end()
        out: list[tuple[str, str, int, int, str | None]] = []
        comment = None
        simple = _SIMPLE_TOKEN.match
        while i < n:
            m = simple(src, i)
            if m is not None:  # an operator, or a word of ordinary characters only
                k = m.lastindex
                tok = m.group(k)
                out.append(("op" if k == 1 else "word", tok, i, i + len(tok), tok))
                i = m.end()
                continue
            ch = src[i]
            if ch == "#":
                comment = i
                break
            if ch in _OPERATOR_START:
                m = _OPERATOR.match(src, i)
                if m:
                    op = m.group()
                    out.append(("op", op, i, m.end(), op))
                    i = _BLANKS.match(src, m.end()).end()
                    continue
            start = i
            redir = None
            if ch in "<>&":
                m = _REDIRECT.match(src, i)
                redir = m.group() if m else None
            elif ch.isdigit():
                redir = _redirect_at(src, i)
            if redir:
                i = _REDIR_BLANKS.match(src, i + len(redir)).end()
                if redir.endswith("<<") or redir.endswith("<<-"):
                    self.opaque.append("a here-document in the command")
                j, value = self.word(i)
                out.append(("redir", src[start:j], start, j, value))
                i = _BLANKS.match(src, j).end() if j < n else j
                continue
            j, value = self.word(i)
            if j == i:  # a lone character the lexer does not handle
                self.opaque.append(f"unexpected character {ch!r}")
                j = i + 1
                value = None
            out.append(("word", src[start:j], start, j, value))
            i = _BLANKS.match(src, j).end() if j < n else j
        return out, comment

    def word(self, i: int) -> tuple[int, str | None]:
        src, n = self.src, len(self.src)
        j = _PLAIN.match(src, i).end()
        if j >= n or src[j] in _WORD_END:  # most words: no quotes, escapes or expansions
            return j, src[i:j]
        value: list[str] = [src[i:j]]
        i = j
        static = True
        while i < n:
            ch = src[i]
            if ch in _WORD_END:
                break
            if ch == "&":
                if not src.startswith("&>", i):  # an operator ends the word; ``&>`` is kept
                    break
                value.append(ch)
                i += 1
            elif ch == "\\":
                if i + 1 < n:
                    value.append(src[i + 1])
                i += 2
            elif ch == "'":
                j = src.find("'", i + 1)
                if j == -1:
                    self.opaque.append("an unterminated single quote")
                    return n, None
                value.append(src[i + 1 : j])
                i = j + 1
            elif ch == '"':
                j, part, dyn = self.double_quoted(i + 1)
                if part is None:
                    return n, None
                value.append(part)
                static = static and not dyn
                i = j
            else:  # $ or `
                i = self.expansion(i)
                static = False
            j = _PLAIN.match(src, i).end()
            if j > i:
                value.append(src[i:j])
                i = j
        return i, ("".join(value) if static else None)

    def double_quoted(self, i: int) -> tuple[int, str | None, bool]:
        src, n = self.src, len(self.src)
        part: list[str] = []
        dynamic = False
        while i < n:
            j = _DOUBLE_PLAIN.match(src, i).end()
            if j > i:
                part.append(src[i:j])
                i = j
                if i >= n:
                    break
            ch = src[i]
            if ch == '"':
                return i + 1, "".join(part), dynamic
            if ch == "\\":
                if i + 1 < n and src[i + 1] in '$`"\\':
                    part.append(src[i + 1])
                    i += 2
                else:
                    part.append(ch)
                    i += 1
            else:  # $ or `
                i = self.expansion(i)
                dynamic = True
        self.opaque.append("an unterminated double quote")
        return n, None, True

    def expansion(self, i: int) -> int:
        """Skip ``$name``, ``${...}``, ``$(...)``, ``$((...))``, ``$'...'`` or a backtick group."""
        src, n = self.src, len(self.src)
        if src[i] == "`":
            j = src.find("`", i + 1)
            if j == -1:
                self.opaque.append("an unterminated backtick")
                return n
            return j + 1
        if i + 1 >= n:
            return i + 1
        nxt = src[i + 1]
        if nxt in "({":
            plain = _GROUP_PLAIN[nxt]
            depth, j = 1, i + 2
            while j < n:
                j = plain.match(src, j).end()
                if j >= n:
                    break
                c = src[j]
                if c == "'":
                    k = src.find("'", j + 1)
                    j = n if k == -1 else k + 1
                elif c == '"':
                    j += 1
                    while j < n:  # inside "...": a backslash escapes the next character
                        j = _QUOTED_PLAIN.match(src, j).end()
                        if j >= n:
                            break
                        if src[j] == '"':
                            j += 1
                            break
                        j += 2
                elif c == "\\":
                    j += 2
                elif c == nxt:
                    depth += 1
                    j += 1
                else:
                    depth -= 1
                    j += 1
                    if not depth:
                        return j
            self.opaque.append(f"an unterminated ${nxt}")
            return n
        if nxt == "'":
            j = i + 2
            while j < n and src[j] != "'":
                j += 2 if src[j] == "\\" else 1
            return min(j + 1, n)
        j = i + 1
        if src[j].isalnum() or src[j] == "_":
            while j < n and (src[j].isalnum() or src[j] == "_"):
                j += 1
            return j
        if src[j] in "@*#?$!-":
            return j + 1
        return j


def _redirect_at(src: str, i: int) -> str | None:
    j = i
    while j < len(src) and src[j].isdigit():
        j += 1
    for op in ("&>>", "&>", "<<<", "<<-", "<<", ">>", ">&", "<&", ">|", "<>", ">", "<"):
        if src.startswith(op, j):
            if op.startswith("&") and j != i:
                continue
            return src[i:j] + op
    return None


def _is_name(name: str) -> bool:
    """A POSIX shell variable name: ASCII letters, digits and ``_``, not starting with a digit."""
    return bool(name) and name.isascii() and (name[0].isalpha() or name[0] == "_") and all(c.isalnum() or c == "_" for c in name)


def _argv_index(words: list[Word]) -> int:
    first = words[0].raw if words[0].value is None else words[0].value
    if "=" not in first and first[first.rfind("/") + 1 :] not in _WRAPPERS:
        return 0  # most commands: the program comes first
    k = 0
    while k < len(words):
        text = words[k].text
        name, eq, _ = text.partition("=")
        if eq and _is_name(name):
            k += 1
            continue
        base = text.rsplit("/", 1)[-1]
        if base in _WRAPPERS and k + 1 < len(words):
            k += 1
            # options of the wrapper (sudo -u user, env -i, timeout 10)
            while k < len(words) and words[k].text.startswith("-"):
                opt = words[k].text
                k += 1
                if base == "sudo" and opt in ("-u", "-g", "-C", "-h", "-p", "-U") and k < len(words):
                    k += 1
            if base == "timeout" and k < len(words):
                k += 1
            continue
        break
    return min(k, len(words))


def script(instr: Instruction, sem: Semantics | None = None) -> Script | None:
    """The shell-word view of a shell-form RUN, CMD or ENTRYPOINT (or its ONBUILD form).

    None when the instruction has no shell-form command line.  Instructions are immutable and
    every transform asks for this view, so it is computed once per instruction, like ``sem``.
    """
    if sem is not None and sem is not instr.sem:
        return _script(instr, sem)
    memo = instr.__dict__
    try:
        return memo["_script"]
    except KeyError:
        found = memo["_script"] = _script(instr, instr.sem)
        return found


def _script(instr: Instruction, sem: Semantics) -> Script | None:
    sem = sem.command
    if sem.keyword not in ("RUN", "CMD", "ENTRYPOINT") or sem.json or not sem.args:
        return None
    key = (sem.args, sem.args_start, sem.segments, bool(instr.heredocs))
    if len(sem.args) > _CACHE_TEXT or not across.KEEPING:
        return _view(*key)
    return _cached_view(*key)


# The view is a pure function of the command line, where it sits in the instruction's text and
# whether there are here-documents; an instruction re-parsed unchanged (by the fix loop, in
# another file of a batch) gets it from here.  Long texts are not kept.
_CACHE_TEXT = 1024


def _view(args: str, base: int, segments: tuple[tuple[int, int], ...], heredocs: bool) -> Script:
    lexer = _Lexer(args)
    tokens, comment = lexer.tokens()
    opaque = lexer.opaque
    if heredocs:
        opaque.append("a here-document")
    if comment is not None:
        opaque.append("a shell comment")

    # Semantics.to_text(base + offset); tokens come in order, so the segment of each offset is
    # found by moving forward from the previous one (instead of a bisection per offset)
    starts = [s for s, _ in segments]
    shifts = [t - s for s, t in segments]
    count = len(starts)

    def to_text(offset: int, end: bool = False) -> int:
        offset += base
        k = (bisect_left(starts, offset) if end else bisect_right(starts, offset)) - 1
        return offset + shifts[k if k > 0 else 0]

    commands: list[Command] = []
    ops: list[tuple[str, int, int]] = []
    words: list[Word] = []
    redirects: list[Word] = []
    op_before: str | None = None
    depth = 0
    stack_depth = 0

    def flush(next_op: str | None) -> None:
        nonlocal words, redirects, op_before, depth
        if not words:
            redirects, op_before = [], next_op
            return
        # strip control keywords that open or continue a compound command
        while words and words[0].value in _CONTROL_PREFIX:
            if words[0].value in ("if", "while", "until", "{"):
                depth += 1
            words = words[1:]
        while words and words[0].value in _CONTROL_END:
            depth = max(depth - 1, 0)
            words = words[1:]
        if words and words[0].value in ("for", "case", "select", "function"):
            if words[0].value != "for":
                opaque.append(f"a {words[0].value} statement")
            depth += 1
            words = []
        if words and words[-1].value == "()" or (len(words) > 1 and words[1].value == "()"):
            opaque.append("a function definition")
        if words:
            commands.append(Command(tuple(words), tuple(redirects), op_before, depth + stack_depth, _argv_index(words)))
        words, redirects = [], []
        op_before = next_op

    last_end = None
    k, shift, after = 0, shifts[0], starts[1] if count > 1 else _NEVER
    for kind, raw, start, end, value in tokens:
        start += base
        while start >= after:  # to_text(start): the last segment starting at or before it
            k += 1
            shift, after = shifts[k], starts[k + 1] if k + 1 < count else _NEVER
        start += shift
        end += base
        while end > after:  # to_text(end, True): the last segment starting before it
            k += 1
            shift, after = shifts[k], starts[k + 1] if k + 1 < count else _NEVER
        end += shift
        if last_end is None or end > last_end:
            last_end = end
        if kind == "op":
            if raw == "(":
                flush(op_before)
                stack_depth += 1
            elif raw == ")":
                flush(op_before)
                stack_depth = max(stack_depth - 1, 0)
            else:
                if raw == ";;":
                    opaque.append("a case statement")
                ops.append((raw, start, end))
                flush(raw)
            continue
        if kind == "redir":
            redirects.append(Word(raw, value, start, end))
        else:
            words.append(Word(raw, value, start, end))
    flush(None)
    for cmd in commands:
        if cmd.program in SHELLS and "-c" in cmd.args:
            opaque.append(f"a command run by {cmd.program} -c")
    if last_end is None:
        last_end = to_text(0)
    return Script(
        tuple(commands),
        tuple(dict.fromkeys(opaque)),
        last_end,
        to_text(comment) if comment is not None else None,
        tuple(ops),
    )


_cached_view = lru_cache(maxsize=512)(_view)
_NEVER = sys.maxsize


# ---- layout-keeping edits -------------------------------------------------------------


class TextEdit(Record):
    """Replace ``text[start:end]`` of an instruction's own text with ``new``."""

    __slots__ = _fields = ("start", "end", "new")

    def __init__(self, start: int, end: int, new: str) -> None:
        self.start = start
        self.end = end
        self.new = new


def apply_edits(text: str, edits: list[TextEdit]) -> str:
    out = text
    for e in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        out = out[: e.start] + e.new + out[e.end :]
    return out


def insert_after_word(word: Word, text: str) -> TextEdit:
    """Insert ``text`` as new words right after ``word`` (``text`` gets a leading blank)."""
    return TextEdit(word.end, word.end, " " + text)


def append_command(instr: Instruction, scr: Script, command: str, nl: str) -> TextEdit:
    """Append ``&& command`` after the last command, in the author's continuation style."""
    style = continuation_style(instr, scr)
    if style is None:
        return TextEdit(scr.end, scr.end, f" && {command}")
    lead, gap, indent = style
    esc = instr.escape
    if lead:
        return TextEdit(scr.end, scr.end, f"{gap}{esc}{nl}{indent}&& {command}")
    return TextEdit(scr.end, scr.end, f" &&{gap}{esc}{nl}{indent}{command}")


def continuation_style(instr: Instruction, scr: Script) -> tuple[bool, str, str] | None:
    """``(leading_and, gap_before_escape, indent)`` of a multi-line command, else None.

    ``leading_and`` is True when the author starts lines with ``&&`` (BuildKit and most
    official images write it at the end).
    """
    conts = [p for p in instr.parts if isinstance(p, Continuation)]
    if not conts:
        return None
    text = instr.text
    # the line that holds the last operator decides the style
    lead_votes = trail_votes = 0
    lead_indent = None
    for op, start, end in scr.ops:
        if op not in ("&&", "||", ";"):
            continue
        before = text[:start].rstrip(" \t")
        after = text[end:].lstrip(" \t")
        if before.endswith("\n") or before == "":
            lead_votes += 1
            lead_indent = text[len(before) : start]
        elif after.startswith(instr.escape) and after[1:].lstrip(" \t")[:1] in ("\r", "\n", ""):
            trail_votes += 1
    last = conts[-1]
    indent = last.indent
    gap = " "
    for k, part in enumerate(instr.parts):
        if part is last and k > 0 and isinstance(instr.parts[k - 1], str):
            prev = instr.parts[k - 1]
            gap = prev[len(prev.rstrip(" \t")) :] or ""
    if lead_votes == trail_votes == 0:
        return (False, gap or " ", indent)
    if lead_votes > trail_votes and indent.strip() == "":
        # keep the indentation of the && lines
        return (True, gap, lead_indent if lead_indent is not None else indent)
    return (False, gap or " ", indent)

