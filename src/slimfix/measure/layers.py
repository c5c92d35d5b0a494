"""Which Dockerfile instruction made which image layer.

Builders record one history entry per instruction of the stages an image is built from
(BuildKit, the classic builder, buildah and podman all do; FROM records none).  The entries
say what made them (``/bin/sh -c #(nop) COPY ...``, ``RUN /bin/sh -c ... # buildkit``,
``|1 X=1 /bin/sh -c ...``), so ``attribute`` walks them newest first beside the final stage's
instructions (and the stages it is built ``FROM``), pairing each entry with the nearest
earlier instruction of the same keyword.  The first entry that no instruction left can have
made is where the base image starts: it and everything older belong to the base image.
"""

from __future__ import annotations

from dataclasses import dataclass

from slimfix.cst import Dockerfile, Instruction
from slimfix.cst.nodes import Stage
from slimfix.cst.semantics import KEYWORDS

NOP = "#(nop)"


@dataclass(frozen=True)
class HistoryEntry:
    """One step of an image's history, oldest first in every list of them."""

    created_by: str
    size: int  # bytes of the layer it made (0 for none)
    empty: bool = False  # the step made no layer (ENV, CMD, ...)


@dataclass(frozen=True)
class LayerSize:
    """Bytes of the layers one instruction made, and where that instruction is."""

    instruction: str
    location: str  # "Dockerfile:3"
    size: int
    base: bool = False  # the layers of the base image, which FROM brings in


def keyword_of(created_by: str) -> str:
    """The Dockerfile keyword a history entry's ``created_by`` names ("" if none)."""
    text = created_by.strip()
    if NOP in text:
        words = text.split(NOP, 1)[1].split(None, 1)
        return words[0].upper() if words and words[0].upper() in KEYWORDS else ""
    if not text:
        return ""
    first = text.split(None, 1)[0]
    if first in KEYWORDS:
        return first  # BuildKit: "RUN /bin/sh -c ...", "COPY . /app # buildkit"
    return "RUN"  # buildah and the classic builder: the shell command line itself


def build_chain(df: Dockerfile) -> tuple[Stage, ...]:
    """The final stage and the stages it is built FROM, root first."""
    stages = [stage for stage in df.stages if stage.index >= 0]
    if not stages:
        return ()
    chain = [stages[-1]]
    while True:
        parent = _parent(stages, chain[0])
        if parent is None or parent in chain:
            return tuple(chain)
        chain.insert(0, parent)


def _parent(stages: list[Stage], stage: Stage) -> Stage | None:
    base = (stage.base or "").lower()
    for earlier in stages[: stage.index]:
        if earlier.name == base or str(earlier.index) == base:
            return earlier
    return None


def attribute(df: Dockerfile, filename: str, history: tuple[HistoryEntry, ...]) -> tuple[LayerSize, ...]:
    """Sizes per instruction for an image built from ``df``, largest first.

    Only entries that made a non-empty layer count; the base image's layers are summed
    into one row at the root stage's FROM line.
    """
    chain = build_chain(df)
    if not chain:
        return ()
    root = chain[0].from_
    steps = [i for stage in chain for i in stage.instructions if i is not stage.from_]
    made: dict[int, int] = {}
    owner: dict[int, Instruction] = {}
    base_size = base_layers = 0
    j = len(steps) - 1
    in_base = False
    for entry in reversed(history):
        if not in_base:
            keyword = keyword_of(entry.created_by)
            k = j
            while k >= 0 and steps[k].name != keyword:
                k -= 1
            if k >= 0:
                owner[id(steps[k])] = steps[k]
                made[id(steps[k])] = made.get(id(steps[k]), 0) + (0 if entry.empty else entry.size)
                j = k - 1
                continue
            in_base = True
        if not entry.empty and entry.size > 0:
            base_size += entry.size
            base_layers += 1
    rows = [
        LayerSize(_shown(instr), _location(df, filename, instr), size)
        for key, size in made.items()
        if size > 0
        for instr in (owner[key],)
    ]
    if base_layers and root is not None:
        plural = "s" if base_layers != 1 else ""
        label = f"{_shown(root)} (base image, {base_layers} layer{plural})"
        rows.append(LayerSize(label, _location(df, filename, root), base_size, base=True))
    return tuple(sorted(rows, key=lambda row: (-row.size, row.location)))


def _location(df: Dockerfile, filename: str, instr: Instruction) -> str:
    return f"{filename}:{df.lines_of(instr)[0]}"


def _shown(instr: Instruction) -> str:
    """The instruction as BuildKit reads it: continuations joined, one line."""
    return " ".join(instr.sem.line.split())
