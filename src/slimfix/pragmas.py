"""SF900 unused-suppression, and the suppression comments themselves.

## What it does
Reads ``# slimfix: ignore=SF101,SF102`` (or ``# slimfix: ignore`` for every code) in the
comment lines directly above an instruction, ``# slimfix: skip-file`` anywhere in the file,
and hadolint's ``# hadolint ignore=DL3009`` / ``# hadolint global ignore=...`` for the codes
that match ours.  Reports a slimfix suppression that suppressed nothing.

## Why is this bad?
A stale suppression hides the next real finding on that instruction.

## Fix safety
Display only: removing a comment is the author's call.
"""

from __future__ import annotations

from slimfix.cst import Dockerfile, Instruction
from slimfix.lazy_re import Lazy

CODE = "SF900"

# hadolint's rule codes and the slimfix transform that covers the same finding
HADOLINT = {
    "DL3009": "SF101",
    "DL3014": "SF101",
    "DL3015": "SF101",
    "DL3019": "SF101",
    "DL3042": "SF102",
    "DL3025": "SF401",
    "DL3000": "SF403",
}
_SLIMFIX = Lazy(r"^#\s*slimfix:\s*(skip-file|ignore)\b(?:\s*=\s*([A-Za-z0-9_,\s]+))?\s*$")
_HADOLINT = Lazy(r"^#\s*hadolint\s+(global\s+)?ignore\s*=\s*([A-Za-z0-9_,\s]+)$")
ALL = "*"


class Suppression:
    __slots__ = ("codes", "instr", "mine", "offset", "used")

    def __init__(self, instr: Instruction | None, codes: frozenset[str], offset: int, mine: bool) -> None:
        self.instr = instr  # None: file-wide
        self.codes = codes  # ALL for every code
        self.offset = offset  # where the comment is
        self.mine = mine  # a slimfix comment (hadolint ones are never reported unused)
        self.used: set[str] = set()

    def covers(self, code: str) -> bool:
        return ALL in self.codes or code in self.codes


class Pragmas:
    __slots__ = ("by_instr", "detached", "file_codes", "file_wide", "skip_file")

    def __init__(self) -> None:
        self.skip_file = False
        self.by_instr: dict[int, list[Suppression]] = {}
        self.file_wide: list[Suppression] = []
        self.detached: list[Suppression] = []  # not directly above an instruction
        self.file_codes: set[str] = set()  # every code of ``file_wide``, looked up once

    def covers(self, instr: Instruction, code: str) -> bool:
        """A file-wide suppression or one above ``instr`` covers ``code`` (none is marked used)."""
        if ALL in self.file_codes or code in self.file_codes:
            return True
        return any(s.covers(code) for s in self.by_instr.get(id(instr), ()))

    def suppressed(self, d) -> bool:
        # file-wide ones are hadolint's, never reported unused: only those above an instruction
        # keep track of what they suppress
        hit = ALL in self.file_codes or d.code in self.file_codes
        for s in self.by_instr.get(id(d.instruction), ()):
            if s.covers(d.code):
                s.used.add(d.code)
                hit = True
        return hit

    def unused(self, df: Dockerfile):
        from slimfix.engine import Diagnostic

        for s in self.detached:
            yield Diagnostic(CODE, "suppression comment is not directly above an instruction, so it suppresses nothing", s.offset, s.offset + 1, None, s.instr)
        for sups in self.by_instr.values():
            for s in sups:
                if s.mine and not s.used:
                    what = "any finding" if ALL in s.codes else ", ".join(sorted(s.codes))
                    yield Diagnostic(CODE, f"unused suppression: nothing here triggers {what}", s.offset, s.offset + 1, None, s.instr)


def _codes(spec: str | None) -> frozenset[str]:
    if not spec:
        return frozenset({ALL})
    return frozenset(c.strip().upper() for c in spec.split(",") if c.strip())


def scan(df: Dockerfile) -> Pragmas:
    prag = Pragmas()
    for instr in df.instructions:
        leading = instr.leading
        if not leading or not any(line.text.lstrip().startswith("#") for line in leading):
            continue  # most instructions: no comment above, nothing to read (and no span to find)
        pos, _ = df.span(instr)
        # only the comment block directly above the instruction counts
        block: list[tuple[str, int]] = []
        for line in leading:
            text = line.text.strip()
            if text.startswith("#") and "skip-file" in text and _SLIMFIX.match(text):
                prag.skip_file = True
            if text.startswith("#"):
                block.append((text, pos))
            else:
                _detach(prag, block, instr)
                block = []
            pos += len(line.text) + len(line.newline or "")
        for text, offset in block:
            _read(prag, text, offset, instr)
    for line in df.footer:
        text = line.text.strip()
        if _SLIMFIX.match(text) and "skip-file" in text:
            prag.skip_file = True
    return prag


def _detach(prag: Pragmas, block: list[tuple[str, int]], instr: Instruction) -> None:
    for text, offset in block:
        m = _SLIMFIX.match(text)
        if m and m.group(1) == "ignore":
            prag.detached.append(Suppression(instr, _codes(m.group(2)), offset, True))


def _read(prag: Pragmas, text: str, offset: int, instr: Instruction) -> None:
    m = _SLIMFIX.match(text)
    if m:
        if m.group(1) == "skip-file":
            prag.skip_file = True
            return
        prag.by_instr.setdefault(id(instr), []).append(Suppression(instr, _codes(m.group(2)), offset, True))
        return
    m = _HADOLINT.match(text)
    if m:
        ours = frozenset(HADOLINT[c] for c in _codes(m.group(2)) if c in HADOLINT)
        if not ours:
            return
        sup = Suppression(None if m.group(1) else instr, ours, offset, False)
        if m.group(1):
            prag.file_wide.append(sup)
            prag.file_codes |= ours
        else:
            prag.by_instr.setdefault(id(instr), []).append(sup)
