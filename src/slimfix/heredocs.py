"""The shell scripts RUN here-documents feed to a shell, and edits inside them.

``RUN <<EOF`` runs its body with the default shell, and ``RUN bash <<EOF`` (or ``sh``, with
options) feeds it to the shell's standard input: either way the body is a script, one command
line per line.  ``views(instr, scr)`` reads each such body as one command line, its logical
lines (backslash continuations kept) joined with `` ; `` and parsed with the shell-word view,
and keeps where each line came from, so that ``Inner.edit`` can carry an edit made on that
view back into the instruction's text.

Edits are carried back only when the view is exact (see ``Inner.edit``): one here-document
whose body the shell runs, plain command lines (no compound command, no line that goes on
into the next), every token of the view within one line of the body, and the edit inside one
line.  A body whose first line is a shebang for another interpreter is not a shell
script and gets no view at all.
"""

from __future__ import annotations

import re

from slimfix import across
from slimfix.cst import Instruction, parse_instruction
from slimfix.errors import SlimfixError
from slimfix.shell import LAYOUT, SHELLS, Script, TextEdit, script

_SHEBANG_SHELL = r"#!\s*\S*?/(?:env\s+)?(?:ba|da|k|z|a)?sh(?:\s|$)"  # compiled on first use
_SEPARATOR = " ; "
_GOES_ON = ("&&", "||", "|")
_PREFIX = "RUN "


class Inner:
    """One here-document body as a script: ``script`` (offsets in the text of ``layout``, the
    instruction it was parsed as, which its memo keeps under ``shell.LAYOUT``), and ``lines``:
    ``(start, end, body_start)`` of each logical line in that text and where it starts in the body."""

    __slots__ = ("script", "lines", "exact", "index")

    def __init__(self, script: Script, layout: Instruction, lines: tuple[tuple[int, int, int], ...], index: int) -> None:
        # A copy of its own (views of equal text are shared), marked with the text its offsets
        # are in: ``packagers.append`` follows that layout, not the RUN's.
        script = Script(script.commands, script.opaque, script.end, script.comment, script.ops)
        script.__dict__[LAYOUT] = layout
        self.script = script
        self.lines = lines
        self.index = index  # which here-document of the instruction
        # Joined with " ; ", the lines read as the shell reads them, unless a line goes on into
        # the next (``a &&`` or ``a |`` at its end, or ``&&`` at the next one's start), or a
        # compound command spans lines ("then ;" is no shell's syntax): then nothing is edited.
        text = layout.text
        segments = [text[start:end].strip() for start, end, _ in lines]
        self.exact = (
            not script.opaque
            and all(cmd.depth == 0 for cmd in script.commands)
            and not any(seg.endswith(_GOES_ON) or seg.startswith(_GOES_ON) for seg in segments)
            and all(self._line_of(w.start, w.end) is not None for cmd in script.commands
                    for w in (*cmd.words, *cmd.redirects))
        )

    def _line_of(self, start: int, end: int) -> tuple[int, int, int] | None:
        for line in self.lines:
            if line[0] <= start and end <= line[1]:
                return line
        return None

    def span(self, at: tuple[int, int] | None, base: int) -> tuple[int, int] | None:
        """``at`` (offsets in ``layout.text``) as offsets in the instruction's text, if on one line."""
        line = self._line_of(*at) if at is not None else None
        if line is None:
            return None
        shift = base + line[2] - line[0]
        return at[0] + shift, at[1] + shift

    def edit(self, edit: TextEdit, base: int, newline: str, plain: bool) -> TextEdit | None:
        """``edit`` (made on ``script``) in the instruction's text, whose body starts at ``base``;
        None unless exact.  ``plain``: the body reaches the shell as written (``RUN <<EOF``: BuildKit
        runs it with ``sh -c``), so the new text means what it says; otherwise (``RUN bash <<EOF``)
        only text without ``$``, ````` and ``\\`` is carried, since the shell that reads the
        here-document would expand them first.  A ``; `` that appends a command after the last
        line becomes a new line, as the author would write it."""
        if not self.exact or (not plain and any(c in edit.new for c in "$`\\")):
            return None
        line = self._line_of(edit.start, edit.end)
        if line is None:
            return None
        new = edit.new
        if new.startswith("; ") and edit.start == edit.end == line[1] == self.lines[-1][1]:
            new = newline + new[2:]
        shift = base + line[2] - line[0]
        return TextEdit(edit.start + shift, edit.end + shift, new)


def body_start(instr: Instruction, index: int) -> int | None:
    """Where here-document ``index``'s body starts in ``instr.text`` (the bodies end the text);
    None when the view was not read from the body as written (``<<-`` strips leading tabs, so
    its offsets are not the body's)."""
    if instr.heredocs[index].content != instr.heredocs[index].body:
        return None
    tail = 0
    for doc in reversed(instr.heredocs[index:]):
        tail += len(doc.body) + len(doc.terminator) + len(doc.newline or "")
    text = instr.text
    start = len(text) - tail
    return start if start >= 0 and text.startswith(instr.heredocs[index].body, start) else None


def runs_body(scr: Script, count: int) -> bool:
    """The RUN's command line hands its only here-document to a shell as the script: ``RUN
    <<EOF``, or a shell with only option words (no ``-c``) reading it on standard input."""
    if count != 1:
        return False
    if not scr.commands:
        return True
    if len(scr.commands) != 1:
        return False
    cmd = scr.commands[0]
    options = cmd.args[1:]
    return (cmd.program in SHELLS and len(cmd.redirects) == 1
            and all(a.startswith("-") and "c" not in a.lstrip("-") for a in options))


def views(instr: Instruction, scr: Script) -> tuple[Inner, ...]:
    """The here-document bodies of ``instr`` that a shell runs, as scripts: kept on the
    instruction (SF101, SF102 and SF103 each ask) and, by content, across trees (the fix loop
    re-parses a file after each fix, and a batch holds many alike files)."""
    if not instr.heredocs or any(c.program not in SHELLS for c in scr.commands):
        return ()
    memo = instr.__dict__.get("_heredoc_views")
    if memo is None:
        memo = instr.__dict__["_heredoc_views"] = _kept(tuple([doc.content for doc in instr.heredocs]))
    return memo


def _kept(contents: tuple[str, ...]) -> tuple[Inner, ...]:
    if sum(map(len, contents)) > _KEPT_TEXT or not across.KEEPING:
        return _views(contents)
    found = _KEPT.get(contents)
    if found is None:
        found = _KEPT[contents] = _views(contents)
        if len(_KEPT) > _KEPT_SIZE:
            del _KEPT[next(iter(_KEPT))]  # the oldest
    return found


_KEPT: dict[tuple[str, ...], tuple[Inner, ...]] = {}
_KEPT_SIZE = 1024
_KEPT_TEXT = 4096


def _views(contents: tuple[str, ...]) -> tuple[Inner, ...]:
    found = []
    for index, content in enumerate(contents):
        first = content.lstrip("\n").split("\n", 1)[0]
        if first.startswith("#!") and not re.match(_SHEBANG_SHELL, first):
            continue  # a script for another interpreter
        lines = logical_lines(content)
        if not lines:
            continue
        text, placed = _PREFIX, []
        for start, end in lines:
            if len(text) > len(_PREFIX):
                text += _SEPARATOR
            placed.append((len(text), len(text) + end - start, start))
            text += content[start:end]
        try:
            layout = parse_instruction(text + "\n")
        except SlimfixError:
            continue
        inner = script(layout)
        if inner is not None:
            found.append(Inner(inner, layout, tuple(placed), index))
    return tuple(found)


def logical_lines(body: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each command line of ``body``: physical lines joined by a trailing
    backslash, without their line ending; blank and comment lines left out.  A continuation
    into a blank or comment line (which a shell and a Dockerfile parser read differently), or
    one that never ends, gives no lines at all."""
    spans: list[tuple[int, int]] = []
    start = None
    pos = 0
    while pos < len(body):
        newline = body.find("\n", pos)
        stop = len(body) if newline < 0 else newline
        end = stop - 1 if stop > pos and body[stop - 1] == "\r" else stop
        line = body[pos:end]
        idle = not line.strip() or line.lstrip().startswith("#")
        if start is None and idle:
            pos = stop + 1
            continue
        if start is not None and idle:
            return []
        if start is None:
            start = pos
        if (len(line) - len(line.rstrip("\\"))) % 2 == 0:
            spans.append((start, end))
            start = None
        pos = stop + 1
    return [] if start is not None else spans
