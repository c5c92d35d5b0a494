"""Lossless Dockerfile tree.

Every byte of the source belongs to exactly one node field, so ``tree.code`` gives back the
input unchanged.  Nodes are immutable (by convention for the small slotted ones: never assign
to a field); equality is identity, so two identical ``RUN apt-get update`` lines stay two
separate keys.  Edits build new trees that share the untouched nodes (``Dockerfile.replace``).

Layout, as LibCST does it: an instruction owns the comment and blank lines above it
(``leading``); the BOM and the parser directives belong to the file's ``header``; comment and
blank lines after the last instruction are the ``footer``.  A line continuation is a
``Continuation`` node holding the escape character, the blanks after it, its newline, the
comment or empty lines BuildKit skips inside the instruction, and the next line's indent.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_right
from collections.abc import Iterator
from functools import cached_property
from itertools import accumulate
from typing import Union

from slimfix import across
from slimfix.cst.semantics import Semantics, analyse


class Node:
    """Base of all tree nodes: ``emit`` appends the node's source text in order.

    The small nodes are slotted classes with a plain ``__init__`` (a parse builds hundreds of
    thousands of them, and a frozen dataclass's ``__init__`` is several times slower).  They
    are immutable by convention: never assign to a field, build a new node (``with_changes``).
    ``_fields`` names the constructor's parameters, in order.
    """

    __slots__ = ()
    _fields: tuple[str, ...] = ()

    def emit(self, out: list[str], nl: str) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def code(self) -> str:
        out: list[str] = []
        self.emit(out, "\n")
        return "".join(out)

    def children(self) -> tuple[Node, ...]:
        return ()

    def with_changes(self, **changes: object):
        unknown = set(changes) - set(self._fields)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {min(unknown)!r}")
        return type(self)(*(changes.get(f, getattr(self, f)) for f in self._fields))

    def __repr__(self) -> str:
        inner = ", ".join(f"{f}={getattr(self, f)!r}" for f in self._fields)
        return f"{type(self).__name__}({inner})"


class Line(Node):
    """A whole line that is not part of an instruction: a comment, a blank line, a directive.

    ``text`` is the line without its newline (leading blanks included); ``newline`` is ``""``
    only for the last line of a file without a final newline, None for the file's newline.
    """

    __slots__ = ("newline", "text")
    _fields = ("text", "newline")

    def __init__(self, text: str, newline: str | None = None) -> None:
        self.text = text
        self.newline = newline

    def emit(self, out: list[str], nl: str) -> None:
        out.append(self.text)
        out.append(nl if self.newline is None else self.newline)

    @property
    def is_comment(self) -> bool:
        return self.text.lstrip(" \t\v\f\r").startswith("#")


class Continuation(Node):
    """A line break inside an instruction: ``escape trailing newline inner... indent``."""

    __slots__ = ("escape", "indent", "inner", "newline", "trailing")
    _fields = ("escape", "trailing", "newline", "inner", "indent")

    def __init__(
        self,
        escape: str = "\\",
        trailing: str = "",
        newline: str | None = None,
        inner: tuple[Line, ...] = (),
        indent: str = "",
    ) -> None:
        self.escape = escape
        self.trailing = trailing
        self.newline = newline
        self.inner = inner
        self.indent = indent

    def emit(self, out: list[str], nl: str) -> None:
        out.append(self.escape)
        out.append(self.trailing)
        out.append(nl if self.newline is None else self.newline)
        for line in self.inner:
            line.emit(out, nl)
        out.append(self.indent)

    @property
    def width(self) -> int:
        """``len(self.code)``, without building it."""
        return self.size("\n")

    def size(self, nl: str) -> int:
        """The length of what ``emit(out, nl)`` appends, without building it."""
        n = len(self.escape) + len(self.trailing) + len(self.indent)
        n += len(nl if self.newline is None else self.newline)
        for line in self.inner:
            n += len(line.text) + len(nl if line.newline is None else line.newline)
        return n

    def children(self) -> tuple[Node, ...]:
        return self.inner


Part = Union[str, Continuation]


class Heredoc(Node):
    """A here-document body that follows its instruction's line.

    ``body`` is the raw text (every line with its own newline); ``terminator`` is the closing
    line as written (leading tabs included for ``<<-``), ``newline`` its line ending.
    """

    __slots__ = ("body", "chomp", "expand", "fd", "name", "newline", "terminator")
    _fields = ("name", "body", "terminator", "newline", "chomp", "expand", "fd")

    def __init__(
        self,
        name: str,
        body: str,
        terminator: str,
        newline: str | None = None,
        chomp: bool = False,
        expand: bool = True,
        fd: int = 0,
    ) -> None:
        self.name = name
        self.body = body
        self.terminator = terminator
        self.newline = newline
        self.chomp = chomp
        self.expand = expand
        self.fd = fd

    def emit(self, out: list[str], nl: str) -> None:
        out.append(self.body)
        out.append(self.terminator)
        out.append(nl if self.newline is None else self.newline)

    @property
    def content(self) -> str:
        """The body as BuildKit hands it to the build (leading tabs removed for ``<<-``)."""
        if not self.chomp:
            return self.body
        return "\n".join(line.lstrip("\t") for line in self.body.split("\n"))


class Instruction(Node):
    """One Dockerfile instruction with the lines above it.

    ``parts`` hold everything after the keyword on the logical line: plain text pieces and
    ``Continuation`` nodes.  ``escape`` is the escape character in force for the file.
    ``__dict__`` stays available for per-instruction views other modules memoise (as ``sem``
    is kept in ``_sem``); ``keep_views(False)`` lets them go and keeps none until
    ``keep_views(True)``.  ``name`` is the keyword in upper case, as BuildKit reads it.
    """

    __slots__ = ("__dict__", "_sem", "escape", "heredocs", "indent", "keyword", "leading", "name", "newline", "parts")
    _fields = ("keyword", "parts", "newline", "heredocs", "leading", "indent", "escape")

    def __init__(
        self,
        keyword: str,
        parts: tuple[Part, ...] = (),
        newline: str | None = None,
        heredocs: tuple[Heredoc, ...] = (),
        leading: tuple[Line, ...] = (),
        indent: str = "",
        escape: str = "\\",
        _sem: Semantics | None = None,
    ) -> None:
        self.keyword = keyword
        self.parts = parts
        self.newline = newline
        self.heredocs = heredocs
        self.leading = leading
        self.indent = indent
        self.escape = escape
        self._sem = _sem  # the parser passes the view it has already computed
        name = _NAMES.get(keyword)
        if name is None:
            name = _NAMES[keyword] = sys.intern(keyword.upper())
        self.name = name

    def emit(self, out: list[str], nl: str) -> None:
        for line in self.leading:
            line.emit(out, nl)
        self.emit_own(out, nl)

    def emit_own(self, out: list[str], nl: str) -> None:
        """The instruction without its leading lines."""
        append = out.append
        append(self.indent)
        append(self.keyword)
        for part in self.parts:
            if part.__class__ is str:
                append(part)
            else:
                part.emit(out, nl)
        append(nl if self.newline is None else self.newline)
        for doc in self.heredocs:
            doc.emit(out, nl)

    def own_size(self, nl: str) -> int:
        """The length of what ``emit_own(out, nl)`` appends, without building it."""
        n = len(self.indent) + len(self.keyword) + len(nl if self.newline is None else self.newline)
        for part in self.parts:
            n += len(part) if part.__class__ is str else part.size(nl)
        for doc in self.heredocs:
            n += len(doc.body) + len(doc.terminator) + len(nl if doc.newline is None else doc.newline)
        return n

    @property
    def text(self) -> str:
        """The instruction's own source (no leading lines); shell-word offsets index this.

        A pure function of the (immutable) fields; the analysis, SF202 and the shell view each
        ask for it (several memos use it as a key), so it is built once and kept in ``__dict__``:
        the same string each time, whose hash Python keeps.
        """
        memo = self.__dict__
        text = memo.get("_text")
        if text is None:
            parts = self.parts
            if len(parts) == 1 and not self.heredocs and parts[0].__class__ is str:  # one line: most instructions
                newline = self.newline
                memo["_text"] = text = self.indent + self.keyword + parts[0] + ("\n" if newline is None else newline)
                return text
            out: list[str] = []
            self.emit_own(out, "\n")
            text = memo["_text"] = "".join(out)
        return text

    def children(self) -> tuple[Node, ...]:
        return (
            *self.leading,
            *(p for p in self.parts if not isinstance(p, str)),
            *self.heredocs,
        )

    @property
    def sem(self) -> Semantics:
        """The BuildKit view of this instruction (computed once, on first use)."""
        sem = self._sem
        if sem is None:
            sem = _kept_sem(self)
            if self.__dict__ is not _KEEPS_NOTHING:
                self._sem = sem
        return sem

    def keep_views(self, keep: bool) -> None:
        """Keep the views computed from this instruction (the default), or let them go and
        keep none until asked again: ``check_tree`` keeps them for one window of a large file
        at a time.  The views are pure functions of the (immutable) fields: recomputed, they
        are the same."""
        if keep:
            if self.__dict__ is _KEEPS_NOTHING:
                self.__dict__ = {}
        else:
            self.__dict__ = _KEEPS_NOTHING
            self._sem = None

    @property
    def keeps_views(self) -> bool:
        return self.__dict__ is not _KEEPS_NOTHING

    # Shortcuts to the semantic view, named as hadolint and dockerfile-parse name them.
    @property
    def value(self) -> tuple[str, ...]:
        sem = self._sem
        return (sem if sem is not None else self.sem).value

    @property
    def is_json(self) -> bool:
        return self.sem.json

    @property
    def flags(self):
        return self.sem.flags

    @property
    def comments(self) -> tuple[str, ...]:
        return tuple(line.text.strip() for line in self.leading if line.is_comment)


class SourceInstruction(Instruction):
    """An instruction of a large file (of more than ``VIEWS_KEPT``), which the parser builds
    from its source (``_source``: its own text, here-documents included).

    A piece, a ``Continuation`` and a tuple per line would take twice the text's size again:
    ``parts`` and ``heredocs`` are views here, derived from the source when asked for and kept
    with the other views (in ``__dict__``).  Everything else is an ``Instruction``'s.
    """

    __slots__ = ("_source",)

    def __init__(
        self, keyword: str, newline: str, leading: tuple[Line, ...], indent: str, escape: str, source: str
    ) -> None:
        # Instruction.__init__ without parts and heredocs (the slots stay unset)
        self.keyword = keyword
        self.newline = newline
        self.leading = leading
        self.indent = indent
        self.escape = escape
        self._sem = None
        self._source = source
        name = _NAMES.get(keyword)
        if name is None:
            name = _NAMES[keyword] = sys.intern(keyword.upper())
        self.name = name

    @property  # type: ignore[override]
    def parts(self) -> tuple[Part, ...]:
        parts = self.__dict__.get("parts")
        return parts if parts is not None else self._derived()[0]

    @property  # type: ignore[override]
    def heredocs(self) -> tuple[Heredoc, ...]:
        docs = self.__dict__.get("heredocs")
        return docs if docs is not None else self._derived()[1]

    def _derived(self) -> tuple[tuple[Part, ...], tuple[Heredoc, ...]]:
        source = self._source
        # one line ended by its own newline (nearly all): the part is what follows the keyword;
        # else (more lines, or a continuation at the end of the file) the parser reads it again
        if self.newline and source.find("\n") == len(source) - 1:
            start, stop = len(self.indent) + len(self.keyword), len(source) - len(self.newline)
            parts: tuple[Part, ...] = (source[start:stop],) if stop > start else ()
            docs: tuple[Heredoc, ...] = ()
        else:
            # (the parser, which built this instruction, imports this module: it is loaded)
            parts, docs = sys.modules["slimfix.cst.parser"].parts_of(source, self.keyword, self.indent, self.escape)
        memo = self.__dict__  # kept with the views (_KEEPS_NOTHING drops them)
        memo["parts"] = parts
        memo["heredocs"] = docs
        return parts, docs

    def emit_own(self, out: list[str], nl: str) -> None:
        out.append(self._source)

    @property
    def text(self) -> str:
        return self._source

    def with_changes(self, **changes: object) -> Instruction:
        """A new ``Instruction``, built with its parts."""
        fields = {f: getattr(self, f) for f in self._fields}
        return Instruction(**fields).with_changes(**changes)


def _kept_sem(instr: Instruction) -> Semantics:
    """``analyse`` of the instruction, kept across trees by ``(instr.text, instr.escape)``: the
    parser reads the same fields from the same text, and the view reads nothing else.  The fix
    loop's next pass re-parses the file; most of its instructions come back unchanged (see
    ``slimfix.across``).  Long texts are not kept."""
    if not across.KEEPING:
        return analyse(instr.keyword, instr.indent, instr.parts, instr.escape)
    text = instr.text
    if len(text) > _SEM_TEXT:
        return analyse(instr.keyword, instr.indent, instr.parts, instr.escape)
    return _SEMS.keep((text, instr.escape), analyse, instr.keyword, instr.indent, instr.parts, instr.escape)


_PLUS_NEWLINE = (1).__add__
_SEMS = across.Memo(1024)  # (text, escape) -> Semantics
_SEM_TEXT = 4096


class _KeepsNothing(dict):
    """The memo of an instruction that keeps no views: what is stored in it is dropped."""

    __slots__ = ()

    def __setitem__(self, key: str, value: object) -> None:
        pass


_KEEPS_NOTHING = _KeepsNothing()
# A parsed file of more instructions than this keeps no views (``Instruction.keep_views``) but
# while ``engine.check_tree`` checks the window of stages they are in: all of them at once
# would take several times the file's size.  Its instructions past this many are
# ``SourceInstruction``s, whose parts are views too.
VIEWS_KEPT = 2000
_NAMES: dict[str, str] = {}  # each spelling of a keyword seen -> in upper case


class Header(Node):
    """The start of the file: an optional byte-order mark and the parser directives."""

    __slots__ = ("bom", "directives")
    _fields = ("bom", "directives")

    def __init__(self, bom: str = "", directives: tuple[Line, ...] = ()) -> None:
        self.bom = bom
        self.directives = directives

    def emit(self, out: list[str], nl: str) -> None:
        out.append(self.bom)
        for line in self.directives:
            line.emit(out, nl)

    def children(self) -> tuple[Node, ...]:
        return self.directives


class Dockerfile(Node):
    """The whole file: ``header``, ``instructions``, ``footer`` and ``default_newline`` (the
    file's first newline).  Its ``__dict__`` holds the views computed once per tree."""

    _fields = ("header", "instructions", "footer", "default_newline")

    def __init__(
        self,
        header: Header,
        instructions: tuple[Instruction, ...] = (),
        footer: tuple[Line, ...] = (),
        default_newline: str = "\n",
    ) -> None:
        self.header = header
        self.instructions = instructions
        self.footer = footer
        self.default_newline = default_newline

    def emit(self, out: list[str], nl: str) -> None:
        nl = self.default_newline
        self.header.emit(out, nl)
        append = out.append
        for instr in self.instructions:
            for line in instr.leading:
                append(line.text)
                append(nl if line.newline is None else line.newline)
            instr.emit_own(out, nl)
        for line in self.footer:
            line.emit(out, nl)

    @cached_property
    def code(self) -> str:  # type: ignore[override]
        out: list[str] = []
        self.emit(out, self.default_newline)
        return "".join(out)

    def same_code(self, text: str) -> bool:
        """Whether ``code`` is ``text``; if so the tree keeps ``text`` as its code, so a caller
        that holds ``text`` anyway holds one copy of a large file, not two."""
        if self.code != text:
            return False
        self.__dict__["code"] = text  # the cached_property's value, equal
        return True

    def children(self) -> tuple[Node, ...]:
        return (self.header, *self.instructions, *self.footer)

    @property
    def newline(self) -> str:
        """The newline new lines should use: the file's first one."""
        return self.default_newline

    @property
    def escape(self) -> str:
        return self.instructions[0].escape if self.instructions else self.directives.get("escape", "\\")

    @cached_property
    def directives(self) -> dict[str, str]:
        from slimfix.cst.parser import directive_of

        found: dict[str, str] = {}
        for line in self.header.directives:
            name_value = directive_of(line.text)
            if name_value:
                found[name_value[0]] = name_value[1]
        return found

    @cached_property
    def _bounds(self) -> tuple[dict[Instruction, int], array]:
        """Where each instruction starts, starts without its leading lines, and ends in ``code``:
        ``bounds[3 * k : 3 * k + 3]`` for ``k = index[instr]``.

        Computed by re-running code generation, as LibCST's PositionProvider does, so it never
        goes stale: a new tree has its own.  Kept as machine integers: a large file has many.
        """
        index: dict[Instruction, int] = {}
        bounds = array("q")
        pos = len(self.header.code)
        nl = self.default_newline
        for k, instr in enumerate(self.instructions):
            index[instr] = k
            start = pos
            for line in instr.leading:
                pos += len(line.text) + len(nl if line.newline is None else line.newline)
            own = instr.own_size(nl)
            bounds.extend((start, pos, pos + own))
            pos += own
        return index, bounds

    @cached_property
    def _line_spans(self) -> dict[Line, tuple[int, int]]:
        """Start and end of every comment or blank line outside the header."""
        spans: dict[Line, tuple[int, int]] = {}
        nl = self.default_newline
        bounds = self._bounds[1]
        groups = [(bounds[3 * k], i.leading) for k, i in enumerate(self.instructions)]
        groups.append((bounds[-1] if bounds else len(self.header.code), self.footer))
        for pos, lines in groups:
            for line in lines:
                width = len(line.text) + len(nl if line.newline is None else line.newline)
                spans[line] = (pos, pos + width)
                pos += width
        return spans

    def span(self, node: Node, *, own: bool = False) -> tuple[int, int]:
        """Offsets of ``node`` in ``code``; ``own=True`` leaves out an instruction's leading lines."""
        if isinstance(node, Instruction):
            index, bounds = self._bounds
            k = 3 * index[node]
            return bounds[k + 1 if own else k], bounds[k + 2]
        return self._line_spans[node]

    @cached_property
    def line_starts(self) -> array:
        """Where each line of ``code`` starts: 0, then one past every newline (summed in C from
        the lines' lengths, not found one at a time)."""
        lines = self.code.split("\n")
        lines.pop()  # the text after the last newline: no newline of its own to start a line after
        return array("q", accumulate(map(_PLUS_NEWLINE, map(len, lines)), initial=0))

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and 1-based column (in characters) of an offset in ``code``."""
        line = bisect_right(self.line_starts, offset)
        return line, offset - self.line_starts[line - 1] + 1

    def lines_of(self, instr: Instruction) -> tuple[int, int]:
        """First and last physical line of an instruction (its leading lines left out)."""
        start, end = self.span(instr, own=True)
        return self.position(start)[0], self.position(max(end - 1, start))[0]

    @cached_property
    def stages(self) -> tuple[Stage, ...]:
        stages: list[Stage] = []
        current: list[Instruction] = []
        for instr in self.instructions:
            if instr.name == "FROM":
                if stages or current:
                    _close(stages, current)
                current = [instr]
            else:
                current.append(instr)
        if current:
            _close(stages, current)
        return tuple(stages)

    @cached_property
    def _stage_starts(self) -> array:
        """The index in ``instructions`` of each stage's first instruction (stages are runs of
        instructions, in order): ``stage_of`` bisects it, without a dict entry per instruction."""
        starts = array("q")
        k = 0
        for stage in self.stages:
            starts.append(k)
            k += len(stage.instructions)
        return starts

    def stage_of(self, instr: Instruction) -> Stage:
        return self.stages[bisect_right(self._stage_starts, self._bounds[0][instr]) - 1]

    def place(self, instr: Instruction) -> int:
        """The index of ``instr`` in its stage's instructions."""
        k = self._bounds[0][instr]
        starts = self._stage_starts
        return k - starts[bisect_right(starts, k) - 1]

    def walk(self) -> Iterator[Node]:
        stack: list[Node] = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children()))

    def replace(self, old: Instruction, *new: Instruction) -> Dockerfile:
        """A new tree with ``old`` swapped for ``new`` (none: deleted), sharing other nodes."""
        items: list[Instruction] = []
        for instr in self.instructions:
            if instr is old:
                items.extend(new)
            else:
                items.append(instr)
        return Dockerfile(self.header, tuple(items), self.footer, self.default_newline)


class Stage:
    """A build stage: the instructions from one ``FROM`` to the next (the first may have none).

    ``index`` counts the stages from 0; the instructions before the first ``FROM`` are a stage
    of index -1.  Compared by identity, like the nodes.
    """

    def __init__(self, index: int, instructions: tuple[Instruction, ...]) -> None:
        self.index = index
        self.instructions = instructions

    def __repr__(self) -> str:
        return f"Stage(index={self.index!r}, instructions={self.instructions!r})"

    @cached_property  # stages are immutable; transforms ask for these in loops over stages
    def from_(self) -> Instruction | None:
        first = self.instructions[0] if self.instructions else None
        return first if first is not None and first.name == "FROM" else None

    @cached_property
    def name(self) -> str | None:
        """The stage name from ``FROM image AS name`` (lower-cased, as BuildKit compares it)."""
        f = self.from_
        if f is None:
            return None
        v = f.value
        if len(v) == 3 and v[1].lower() == "as":
            return v[2].lower()
        return None

    @property
    def base(self) -> str | None:
        f = self.from_
        return f.value[0] if f is not None and f.value else None


def _close(stages: list[Stage], current: list[Instruction]) -> None:
    if current and current[0].name == "FROM":  # counted from 0; only the first group can lack a FROM
        index = len(stages) - (1 if stages and stages[0].index < 0 else 0)
    else:  # instructions before the first FROM (ARG, comments): a stage of their own, index -1
        index = -1
    stages.append(Stage(index, tuple(current)))
    current.clear()

