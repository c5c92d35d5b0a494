"""Diagnostics, fixes, and the fix loop.

Transforms are pure ``check(ctx) -> Iterator[Diagnostic]`` functions.  The engine keeps the
fixes allowed at the requested safety level, applies those that do not overlap, re-parses and
repeats until nothing changes (at most ``MAX_PASSES``), then verifies the result the way black
does: it re-parses and round-trips, and one more single pass changes nothing.
"""

from __future__ import annotations

import enum
import gc
import sys
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable
from typing import TYPE_CHECKING

from slimfix.cst import Dockerfile, Instruction, parse
from slimfix.cst.nodes import VIEWS_KEPT, Stage
from slimfix.cst.record import Frozen
from slimfix.cst.record import init_field as _set
from slimfix.errors import VerificationError

if TYPE_CHECKING:
    from pathlib import Path

    from slimfix.pragmas import Pragmas
    from slimfix.shell import TextEdit

MAX_PASSES = 12


class Safety(enum.IntEnum):
    DISPLAY_ONLY = 0  # shown, never applied
    UNSAFE = 1  # applied with --unsafe-fixes
    SAFE = 2  # applied by --write, --diff and format-on-save


class Edit(Frozen):
    """Replace ``code[start:end]`` of the whole file with ``text``."""

    __slots__ = _fields = ("start", "end", "text")
    start: int
    end: int
    text: str

    def __init__(self, start: int, end: int, text: str) -> None:
        _set(self, "start", start)
        _set(self, "end", end)
        _set(self, "text", text)


class Fix(Frozen):
    __slots__ = _fields = ("edits", "safety", "title")
    edits: tuple[Edit, ...]
    safety: Safety
    title: str

    def __init__(self, edits: tuple[Edit, ...], safety: Safety, title: str) -> None:
        _set(self, "edits", edits)
        _set(self, "safety", safety)
        _set(self, "title", title)

    def applies(self, unsafe_fixes: bool) -> bool:
        return self.safety >= (Safety.UNSAFE if unsafe_fixes else Safety.SAFE)


class Diagnostic(Frozen):
    """One finding: ``start``/``end`` are offsets in the file's text; ``line`` and ``column``
    (1-based) are filled in by ``locate``.  Equality leaves out the instruction."""

    __slots__ = _fields = (
        "code", "message", "start", "end", "fix", "instruction", "line", "column", "end_line", "end_column",
    )
    _compare = ("code", "message", "start", "end", "fix", "line", "column", "end_line", "end_column")
    code: str
    message: str
    start: int
    end: int
    fix: Fix | None
    instruction: Instruction | None
    line: int
    column: int
    end_line: int
    end_column: int

    def __init__(
        self, code: str, message: str, start: int, end: int, fix: Fix | None = None,
        instruction: Instruction | None = None, line: int = 0, column: int = 0, end_line: int = 0,
        end_column: int = 0,
    ) -> None:
        _set(self, "code", code)
        _set(self, "message", message)
        _set(self, "start", start)
        _set(self, "end", end)
        _set(self, "fix", fix)
        _set(self, "instruction", instruction)
        _set(self, "line", line)
        _set(self, "column", column)
        _set(self, "end_line", end_line)
        _set(self, "end_column", end_column)


class Settings(Frozen):
    """What to check and fix: ``select`` codes or prefixes (None: all), ``ignore``d ones,
    ``cache`` clean | mounts with per-stage overrides, and the build ``context`` folder."""

    __slots__ = _fields = ("select", "ignore", "unsafe_fixes", "cache", "cache_stages", "context")
    select: frozenset[str] | None
    ignore: frozenset[str]
    unsafe_fixes: bool
    cache: str
    cache_stages: tuple[tuple[str, str], ...]
    context: Path | None

    def __init__(
        self, select: frozenset[str] | None = None, ignore: frozenset[str] = frozenset(), unsafe_fixes: bool = False,
        cache: str = "clean", cache_stages: tuple[tuple[str, str], ...] = (), context: Path | None = None,
    ) -> None:
        _set(self, "select", select)
        _set(self, "ignore", ignore)
        _set(self, "unsafe_fixes", unsafe_fixes)
        _set(self, "cache", cache)
        _set(self, "cache_stages", cache_stages)
        _set(self, "context", context)

    def enabled(self, code: str) -> bool:
        if any(code.startswith(p) for p in self.ignore):
            return False
        return self.select is None or any(code.startswith(p) for p in self.select)

    def cache_for(self, stage_name: str | None) -> str:
        for name, mode in self.cache_stages:
            if stage_name is not None and name.lower() == stage_name:
                return mode
        return self.cache


class Context:
    """What a transform sees: the tree, the settings, and helpers to build diagnostics.

    ``stages`` (and ``instructions``) are what this call checks: the whole file, or a window of
    its stages when ``check_tree`` cuts a large file into windows (``window``: their positions
    in ``df.stages``).  Lookups across stages still see the whole tree (``df``).  ``carry`` is a
    dict the module keeps from one window to the next of a pass (what it learnt about earlier
    stages); ``last`` is true in the last window, where a check of the whole file runs once.
    ``suppressions``: the file's suppression comments as ``check_tree`` read them (None outside
    it), to ask ``covers`` only: ``check_tree`` marks them used once every transform is done.
    """

    __slots__ = ("df", "settings", "path", "code", "window", "carry", "suppressions")

    def __init__(
        self, df: Dockerfile, settings: Settings, path: Path | None = None, code: str = "",
        window: range | None = None, carry: dict | None = None, suppressions: Pragmas | None = None,
    ) -> None:
        self.df = df
        self.settings = settings
        self.path = path
        self.code = code
        self.window = range(len(df.stages)) if window is None else window
        self.carry = {} if carry is None else carry
        self.suppressions = suppressions

    @property
    def stages(self) -> tuple[Stage, ...]:
        stages, window = self.df.stages, self.window
        return stages if len(window) == len(stages) else stages[window.start : window.stop]

    @property
    def instructions(self) -> tuple[Instruction, ...]:
        if len(self.window) == len(self.df.stages):
            return self.df.instructions
        return tuple([instr for stage in self.stages for instr in stage.instructions])

    @property
    def last(self) -> bool:
        return self.window.stop == len(self.df.stages)

    def diagnostic(
        self,
        instr: Instruction,
        message: str,
        edits: Iterable[TextEdit] | None = None,
        safety: Safety = Safety.SAFE,
        title: str = "",
        at: tuple[int, int] | None = None,
        file_edits: Iterable[Edit] = (),
    ) -> Diagnostic:
        """A diagnostic on ``instr``; ``edits`` and ``at`` are offsets in ``instr.text``."""
        base, end = self.df.span(instr, own=True)
        start, stop = (base + at[0], base + at[1]) if at else (base + len(instr.indent), end)
        fix_edits = [Edit(base + e.start, base + e.end, e.new) for e in (edits or ())]
        fix_edits.extend(file_edits)
        fix = Fix(tuple(fix_edits), safety, title or message) if fix_edits else None
        return Diagnostic(self.code, message, start, stop, fix, instr)

    def replace(self, instr: Instruction, text: str) -> Edit:
        """An edit that swaps the instruction's own text (its leading comments stay)."""
        start, end = self.df.span(instr, own=True)
        return Edit(start, end, text)

    def insert_after(self, instr: Instruction, text: str) -> Edit:
        """Insert whole lines after ``instr`` (``text`` ends with a newline)."""
        _, end = self.df.span(instr)
        code = self.df.code
        if end and code[end - 1] != "\n":
            text = self.df.newline + text.rstrip("\r\n")
        return Edit(end, end, text)

    def insert_before(self, instr: Instruction, text: str, *, above_comments: bool = False) -> Edit:
        """Insert whole lines before ``instr`` (below its leading comments unless asked)."""
        start = self.df.span(instr)[0] if above_comments else self.df.span(instr, own=True)[0]
        return Edit(start, start, text)


def transforms():
    """The transform modules, in code order (imported on first use)."""
    from slimfix.transforms import load_all

    return load_all()


# A file of more instructions than this is checked a window of stages at a time (see check_tree).
WINDOW = VIEWS_KEPT


def check_tree(df: Dockerfile, settings: Settings, path: Path | None = None) -> list[Diagnostic]:
    """One pass of every enabled transform over a parsed file, suppressions applied.

    Every transform asks for the same views of an instruction (shell words, semantics, the
    dependency analysis); they are kept on it while the transforms run, so each is computed
    once.  For a large file, keeping them for every instruction at once would take several
    times the file's size: the stages are cut into windows of about ``WINDOW`` instructions,
    every transform checks the first window, then the next..., and each window's views are let
    go when it is done.  A file up to ``WINDOW`` instructions is one window.
    """
    from slimfix import across, analysis, pragmas

    prag = pragmas.scan(df)
    if prag.skip_file:
        return []
    modules = [m for m in transforms() if settings.enabled(m.CODE)]
    carry: dict[str, dict] = {m.CODE: {} for m in modules}
    windows = _windows(df.stages, WINDOW)
    # A large file's instructions keep no views once parsed (cst.nodes.VIEWS_KEPT): each window's
    # are let go after it, even when the file is one window (one long stage).
    release = len(windows) > 1 or not all(instr.keeps_views for instr in df.instructions[:1])
    if len(windows) > 1:
        _keep_views(df.instructions, False)
    found: list[Diagnostic] = []
    with across.paused(release):  # its next pass would not find them again (see slimfix.across)
        for window in windows:
            stages = df.stages[window.start : window.stop]
            instructions = [instr for stage in stages for instr in stage.instructions]
            _keep_views(instructions, True)
            for module in modules:
                found.extend(module.check(Context(df, settings, path, module.CODE, window, carry[module.CODE], prag)))
            if release:
                _keep_views(instructions, False)
                analysis.forget(df, stages)
    kept = [d for d in found if not prag.suppressed(d)]
    if settings.enabled(pragmas.CODE):
        kept.extend(prag.unused(df))
    kept.sort(key=lambda d: (d.start, d.code))
    return [locate(df, d) for d in kept]


def _keep_views(instructions: Iterable[Instruction], keep: bool) -> None:
    for instr in instructions:
        instr.keep_views(keep)


def _windows(stages: tuple[Stage, ...], size: int) -> list[range]:
    """Consecutive runs of whole stages of about ``size`` instructions (one at least)."""
    windows: list[range] = []
    start = count = 0
    for k, stage in enumerate(stages):
        count += len(stage.instructions)
        if count >= size:
            windows.append(range(start, k + 1))
            start, count = k + 1, 0
    if start < len(stages) or not windows:
        windows.append(range(start, len(stages)))
    return windows


def locate(df: Dockerfile, d: Diagnostic) -> Diagnostic:
    line, col = df.position(d.start)
    end_line, end_col = df.position(max(d.start, d.end - 1))
    return Diagnostic(d.code, d.message, d.start, d.end, d.fix, d.instruction, line, col, end_line, end_col + 1)


def apply_fixes(text: str, fixes: Iterable[Fix]) -> tuple[str, list[Fix]]:
    """Apply the fixes whose edits overlap no earlier applied edit; return the text and them."""
    taken: list[tuple[int, int]] = []  # the applied edits' spans, sorted
    widest = 0  # the longest of them: a span starting further left than this ends too early
    applied: list[Fix] = []
    for fix in sorted(fixes, key=lambda f: min((e.start for e in f.edits), default=0)):
        if any(_overlaps(e, taken[k]) for e in fix.edits for k in _near(taken, e, widest)):
            continue
        for e in fix.edits:
            insort(taken, (e.start, e.end))  # nearly always at the end: fixes come in order
            widest = max(widest, e.end - e.start)
        applied.append(fix)
    edits = sorted((e for f in applied for e in f.edits), key=lambda e: (e.start, e.end), reverse=True)
    pieces: list[str] = []  # built back to front, then joined once: linear in the file's size
    tail = len(text)
    for e in edits:
        if e.end > tail:  # one fix's own edits overlap: apply them one at a time, in this order
            out = text
            for edit in edits:
                out = out[: edit.start] + edit.text + out[edit.end :]
            return out, applied
        pieces += (text[e.end : tail], e.text)
        tail = e.start
    pieces.append(text[:tail])
    return "".join(reversed(pieces)), applied


def _near(taken: list[tuple[int, int]], e: Edit, widest: int) -> range:
    """Indices of the spans in ``taken`` that may overlap ``e``: those starting from
    ``e.start - widest`` to ``e.end`` (one starting before ends before ``e``; one starting
    after ``e.end`` starts after it).  Checking all taken spans made a file's fixes cost the
    square of their number."""
    return range(bisect_left(taken, (e.start - widest, -1)), bisect_right(taken, (e.end, sys.maxsize)))


def _overlaps(e: Edit, span: tuple[int, int]) -> bool:
    s, t = span
    if e.start == e.end or s == t:  # an insertion conflicts with anything touching its point
        return s <= e.start <= t or e.start <= s <= e.end
    return e.start < t and s < e.end


class FixResult:
    __slots__ = ("source", "output", "applied", "remaining", "found")

    def __init__(
        self,
        source: str,
        output: str,
        applied: list[Diagnostic],  # what was fixed, over all passes
        remaining: list[Diagnostic],  # what is still reported on the output
        found: list[Diagnostic] | None = None,  # the first pass's findings, on the source
    ) -> None:
        self.source = source
        self.output = output
        self.applied = applied
        self.remaining = remaining
        self.found = [] if found is None else found

    @property
    def changed(self) -> bool:
        return self.output != self.source


def one_pass(
    text: str, settings: Settings, path: Path | None = None, df: Dockerfile | None = None
) -> tuple[str, list[Diagnostic], list[Diagnostic]]:
    """One pass of every transform; ``df`` is ``parse(text)`` when the caller already has it."""
    df = parse(text) if df is None else df
    diags = check_tree(df, settings, path)
    fixes = [d.fix for d in diags if d.fix is not None and d.fix.applies(settings.unsafe_fixes)]
    if not fixes:
        return text, [], diags
    out, applied = apply_fixes(text, fixes)
    chosen = {id(f) for f in applied}
    return out, [d for d in diags if d.fix is not None and id(d.fix) in chosen], diags


def fix_text(
    text: str, settings: Settings | None = None, path: Path | None = None, *, keep_found: bool = True,
    keep_applied: bool = True,
) -> FixResult:
    """Fix until stable, then verify; raises ``SlimfixSyntaxError`` or ``VerificationError``.

    ``keep_found=False`` / ``keep_applied=False``: the caller never reads ``found`` / ``applied``
    (a quiet ``--check`` reads neither), which stay empty; on a large file the first pass's
    findings alone are thousands of records, kept through every later pass.

    The cycle collector is paused meanwhile: the trees and views built here hold no reference
    cycles, yet on a large file its full collections re-walk millions of live objects and made
    the check grow faster than the file (7.4 against 4.8 ms/KB at 5 MB).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _fix_text(text, settings or Settings(), path, keep_found, keep_applied)
    finally:
        if enabled:
            gc.enable()


def _fix_text(text: str, settings: Settings, path: Path | None, keep_found: bool, keep_applied: bool) -> FixResult:
    df = parse(text)
    if not df.same_code(text):
        raise VerificationError("the parser lost bytes of this file; refusing to rewrite it")
    current = text
    applied: list[Diagnostic] = []
    found: list[Diagnostic] | None = None if keep_found else []
    codes: set[str] = set()  # of the fixes applied so far, for the messages below
    for _ in range(MAX_PASSES):
        out, fixed, diags = one_pass(current, settings, path, df)
        if not fixed:
            return FixResult(text, current, applied, diags, diags if found is None else found)
        if found is None:
            found = detached(diags)
        now = {d.code for d in fixed}
        codes |= now
        fixed = detached(fixed) if keep_applied else []
        # this tree and the views memoised on it are done with: let them go before the next parse
        df = diags = None  # type: ignore[assignment]
        try:
            df = parse(out)
        except Exception as exc:  # a fix produced text that does not parse: a slimfix bug
            raise VerificationError(f"a fix by {', '.join(sorted(now))} produced an unparsable file ({exc}); nothing written") from None
        if not df.same_code(out):
            raise VerificationError("a rewrite does not round-trip; nothing written")
        applied.extend(fixed)
        current = out
    raise VerificationError(f"fixes did not converge after {MAX_PASSES} passes ({', '.join(sorted(codes))}); nothing written")


def detached(diags: list[Diagnostic]) -> list[Diagnostic]:
    """``diags`` without the tree nodes they point to (only suppressions need them, in
    ``check_tree``): kept past their pass, they would keep every instruction of that tree and
    its memoised shell views alive."""
    return [d if d.instruction is None else Diagnostic(
        d.code, d.message, d.start, d.end, d.fix, None, d.line, d.column, d.end_line, d.end_column
    ) for d in diags]


def check_text(text: str, settings: Settings | None = None, path: Path | None = None) -> list[Diagnostic]:
    return check_tree(parse(text), settings or Settings(), path)

