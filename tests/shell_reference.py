"""The reference for ``slimfix.shell``: its first, character-by-character lexer, kept as the oracle
that tests/test_shell_lexer.py compares the regex-driven one with (it builds the same
``Word``/``Command``/``Script`` classes).

The shell-word view of a shell-form RUN, CMD or ENTRYPOINT.

A command line is split into simple commands joined by ``&&``, ``||``, ``;``, ``|``, ``&``,
each a list of words with quoting and ``$VAR`` understood.  Every word keeps its offsets in
the instruction's text (``Instruction.text``), so a transform can insert a flag after a word
or append a command while keeping the author's layout.  What the view does not understand
(``case``, a shell comment, ``sh -c '...'``, here-documents) is reported in ``opaque``, never
guessed at.
"""

from __future__ import annotations

from slimfix.cst.nodes import Instruction
from slimfix.cst.semantics import Semantics
from slimfix.shell import Command, Script, Word

OPERATORS = ("&&", "||", ";;", "|&", ";", "|", "&", "(", ")")
_OPERATOR_START = frozenset(op[0] for op in OPERATORS)
_REDIRECT_START = "<>"
_CONTROL_PREFIX = frozenset({"if", "then", "elif", "else", "while", "until", "do", "!", "{", "time"})
_CONTROL_END = frozenset({"fi", "done", "esac", "}"})
_WRAPPERS = frozenset({"sudo", "env", "nice", "nohup", "command", "exec", "stdbuf", "timeout"})
SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "/bin/sh", "/bin/bash", "/bin/dash", "/bin/ash", "/usr/bin/env"})


class _Lexer:
    """Splits a POSIX shell command line into words and operators, with offsets."""

    def __init__(self, src: str) -> None:
        self.src = src
        self.opaque: list[str] = []

    def tokens(self) -> tuple[list[tuple[str, str, int, int, str | None]], int | None]:
        """``(kind, raw, start, end, value)`` with kind ``word``, ``op`` or ``redir``."""
        src, n, i = self.src, len(self.src), 0
        out: list[tuple[str, str, int, int, str | None]] = []
        comment = None
        while i < n:
            ch = src[i]
            if ch in " \t\n\r\v\f":
                i += 1
                continue
            if ch == "#":
                comment = i
                break
            op = _operator_at(src, i)
            if op:
                out.append(("op", op, i, i + len(op), op))
                i += len(op)
                continue
            start = i
            redir = _redirect_at(src, i)
            if redir:
                i += len(redir)
                while i < n and src[i] in " \t":
                    i += 1
                if redir.endswith("<<") or redir.endswith("<<-"):
                    self.opaque.append("a here-document in the command")
                j, value = self.word(i)
                out.append(("redir", src[start:j], start, j, value))
                i = j
                continue
            j, value = self.word(i)
            if j == i:  # a lone character the lexer does not handle
                self.opaque.append(f"unexpected character {ch!r}")
                j = i + 1
                value = None
            out.append(("word", src[start:j], start, j, value))
            i = j
        return out, comment

    def word(self, i: int) -> tuple[int, str | None]:
        src, n = self.src, len(self.src)
        value: list[str] = []
        static = True
        while i < n:
            ch = src[i]
            if ch in " \t\n\r\v\f" or _operator_at(src, i) or (ch in _REDIRECT_START and _redirect_at(src, i)):
                break
            if ch == "\\":
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
            elif ch == "$" or ch == "`":
                i = self.expansion(i)
                static = False
            else:
                value.append(ch)
                i += 1
        return i, ("".join(value) if static else None)

    def double_quoted(self, i: int) -> tuple[int, str | None, bool]:
        src, n = self.src, len(self.src)
        part: list[str] = []
        dynamic = False
        while i < n:
            ch = src[i]
            if ch == '"':
                return i + 1, "".join(part), dynamic
            if ch == "\\" and i + 1 < n and src[i + 1] in '$`"\\':
                part.append(src[i + 1])
                i += 2
            elif ch == "$" or ch == "`":
                i = self.expansion(i)
                dynamic = True
            else:
                part.append(ch)
                i += 1
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
            close = ")" if nxt == "(" else "}"
            depth, j = 1, i + 2
            quote = ""
            while j < n and depth:
                c = src[j]
                if quote:
                    if c == quote:
                        quote = ""
                    elif c == "\\" and quote == '"':
                        j += 1
                elif c in "'\"":
                    quote = c
                elif c == "\\":
                    j += 1
                elif c == nxt:
                    depth += 1
                elif c == close:
                    depth -= 1
                j += 1
            if depth:
                self.opaque.append(f"an unterminated ${nxt}")
                return n
            return j
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


def _operator_at(src: str, i: int) -> str | None:
    if src[i] not in _OPERATOR_START:  # the lexer asks at every character: answer most at once
        return None
    for op in OPERATORS:
        if src.startswith(op, i):
            if op == "&" and src.startswith("&>", i):
                return None
            return op
    return None


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
    if "_script" not in memo:
        memo["_script"] = _script(instr, instr.sem)
    return memo["_script"]


def _script(instr: Instruction, sem: Semantics) -> Script | None:
    sem = sem.command
    if sem.keyword not in ("RUN", "CMD", "ENTRYPOINT") or sem.json or not sem.args:
        return None
    lexer = _Lexer(sem.args)
    tokens, comment = lexer.tokens()
    base = sem.args_start
    opaque = list(lexer.opaque)
    if instr.heredocs:
        opaque.append("a here-document")
    if comment is not None:
        opaque.append("a shell comment")

    def to_text(offset: int, end: bool = False) -> int:
        return sem.to_text(base + offset, end=end)

    commands: list[Command] = []
    ops: list[tuple[str, int, int]] = []
    words: list[Word] = []
    redirects: list[Word] = []
    op_before: str | None = None
    depth = 0
    stack_depth = 0

    def flush(next_op: str | None) -> None:
        nonlocal words, redirects, op_before, depth
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
        if words or redirects:
            cmd_words = tuple(words) if words else ()
            if cmd_words:
                commands.append(Command(cmd_words, tuple(redirects), op_before, depth + stack_depth, _argv_index(words)))
        words, redirects = [], []
        op_before = next_op

    for kind, raw, start, end, value in tokens:
        if kind == "op":
            if raw == "(":
                flush(op_before)
                stack_depth += 1
                continue
            if raw == ")":
                flush(op_before)
                stack_depth = max(stack_depth - 1, 0)
                continue
            if raw == ";;":
                opaque.append("a case statement")
            ops.append((raw, to_text(start), to_text(end, True)))
            flush(raw)
            continue
        word = Word(raw, value, to_text(start), to_text(end, True))
        if kind == "redir":
            redirects.append(word)
        else:
            words.append(word)
    flush(None)
    for cmd in commands:
        if cmd.program in SHELLS and "-c" in cmd.args:
            opaque.append(f"a command run by {cmd.program} -c")
    last_end = max((to_text(e, True) for _, _, _, e, _ in tokens), default=to_text(0))
    return Script(
        tuple(commands),
        tuple(dict.fromkeys(opaque)),
        last_end,
        to_text(comment) if comment is not None else None,
        tuple(ops),
    )
