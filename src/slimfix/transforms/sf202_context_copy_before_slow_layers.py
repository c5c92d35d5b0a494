"""SF202 context-copy-before-slow-layers

## What it does
Finds steps that do not read the build context (system package installs, user creation,
downloads, ``pip install`` of named packages) placed after the stage's first instruction that
reads the context, and moves them, with the ENV, ARG, USER or other steps they need, right
above that instruction.

"The first context read" is the first COPY or ADD of local files, or RUN with a bind mount of
the context, in the stage.  A manifest COPY (``COPY requirements.txt /app/``) counts, so an
apt-get install lands above it, while ``pip install -r requirements.txt`` stays below it.

## Why is this bad?
Docker reuses a layer only while every layer before it is unchanged.  After
``COPY . /app`` each edit to the source re-runs every later step, so a slow, rarely changing
``apt-get install`` runs again on every build.

## Example
```dockerfile
FROM python:3.12-slim
COPY . /app
RUN apt-get update && apt-get install -y gcc
```

## Use instead
```dockerfile
FROM python:3.12-slim
RUN apt-get update && apt-get install -y gcc
COPY . /app
```

## Fix safety
Safe.  A step moves only when ``slimfix.analysis`` proves it commutes with every step it
jumps: it reads nothing they write, writes nothing they read or write, uses no variable they
define, and needs no WORKDIR, USER or SHELL they change.  A RUN qualifies only when every
command in it is one slimfix models with literal arguments; otherwise slimfix reports it and
says why, and moves nothing.  The comment and blank lines directly above a moved instruction
move with it: they stay attached to the instruction they describe (suppression comments
included), nothing is dropped, and comments cannot change the image.
"""

from __future__ import annotations

from bisect import bisect_right, insort
from collections import Counter
from collections.abc import Iterator

from slimfix import SlimfixSyntaxError, parse, pragmas
from slimfix.analysis import Step, conflict, depends, stage_steps
from slimfix.cst import Instruction
from slimfix.engine import Context, Diagnostic, Edit, Fix, Safety
from slimfix.footprints import run_footprint

CODE = "SF202"

_PACKAGE_MANAGERS = frozenset({"apt-get", "apt", "apk", "yum", "dnf", "microdnf", "tdnf"})


def check(ctx: Context) -> Iterator[Diagnostic]:
    prag = ctx.suppressions or ctx.carry.get("pragmas")
    if prag is None:  # checked outside check_tree (SF301 asks what this pass will fix)
        prag = ctx.carry["pragmas"] = pragmas.scan(ctx.df)
    stages = ctx.df.stages
    for k in ctx.window:
        stage = stages[k]
        if stage.index < 0:
            continue
        following = stages[k + 1].instructions[0] if k + 1 < len(stages) else None  # the next FROM
        yield from _stage(ctx, stage_steps(ctx.df, stage), prag, following)


def anchor_of(steps: tuple[Step, ...]) -> int | None:
    """Index of the first step of a stage that reads the build context, or None."""
    for k, step in enumerate(steps):
        if step.instr.sem.keyword in ("COPY", "ADD", "RUN") and step.reads_context:
            return k
    return None


def _stage(
    ctx: Context, steps: tuple[Step, ...], prag: pragmas.Pragmas, following: Instruction | None
) -> Iterator[Diagnostic]:
    anchor = anchor_of(steps)
    if anchor is None:
        return
    pinned = {k for k, s in enumerate(steps) if prag.covers(s.instr, CODE)}
    scan = _Scan(steps, anchor, pinned)
    groups: list[int] = []
    blocked: list[tuple[int, str]] = []
    for r in range(anchor + 1, len(steps)):
        if not _candidate(steps[r]):
            reason = _unmovable(steps[r])
            if reason:
                blocked.append((r, reason))
            continue
        if r in pinned:
            yield ctx.diagnostic(steps[r].instr, _message(ctx, steps, anchor, r))  # dropped, marks it used
            continue
        needed, blocker, via = scan.needed(r, why=_installs(steps[r]) or bool(pinned))
        if blocker in pinned:  # its suppression comment did something: tell the engine (dropped)
            yield ctx.diagnostic(steps[blocker].instr, f"would move with line {_line(ctx, steps[r])}")
        if blocker is None:
            scan.move(needed)
            groups.append(r)
        elif _installs(steps[r]) and _concrete(steps[blocker], steps[via]):
            why = conflict(steps[blocker].effects, steps[via].effects)
            reason = f"it must stay after line {_line(ctx, steps[blocker])} (`{_head(steps[blocker])}`): {why}"
            if via != r:
                reason = (f"it must stay after line {_line(ctx, steps[via])} (`{_head(steps[via])}`), "
                          f"which must stay after line {_line(ctx, steps[blocker])} (`{_head(steps[blocker])}`): {why}")
            if blocker in pinned:
                reason += ", which a suppression comment keeps in place"
            blocked.append((r, reason))
    for r, reason in blocked:
        msg = f"{_head(steps[r])} comes after the context read on line {_line(ctx, steps[anchor])} but cannot move above it: {reason}"
        yield ctx.diagnostic(steps[r].instr, msg, safety=Safety.DISPLAY_ONLY)
    moved = scan.moved
    if not moved:
        return
    edits = _move(ctx, steps, anchor, sorted(moved))
    if not _same_instructions(ctx, steps, anchor, following, edits):
        return  # a layout slimfix did not foresee: never move blindly
    fix = Fix(tuple(edits), Safety.SAFE,
              f"Move {len(moved)} instruction{'s' if len(moved) > 1 else ''} above line {_line(ctx, steps[anchor])}")
    for r in groups:
        d = ctx.diagnostic(steps[r].instr, _message(ctx, steps, anchor, r))
        yield d.replace(fix=fix)  # one shared fix: the engine applies it once


class _Scan:
    """What one stage's candidates share while ``_stage`` looks for the steps each one needs.

    ``carriable`` remembers ``_carriable`` per step index, ``pairs`` remembers
    ``depends(steps[y].effects, steps[x].effects)`` under the key ``y * len(steps) + x``,
    ``chain`` where a walk up a chain of steps stops, and ``stuck`` the candidates found blocked
    (see ``needed``); ``moved`` holds the steps a fix already moves, and empties ``chain`` and
    ``stuck`` when it grows.
    """

    def __init__(self, steps: tuple[Step, ...], anchor: int, pinned: set[int]) -> None:
        self.steps, self.anchor, self.pinned = steps, anchor, pinned
        self.moved: set[int] = set()
        self.carriable: dict[int, bool] = {}
        self.pairs: dict[int, bool] = {}
        self.chain: dict[int, int] = {}
        self.stuck: list[int] = []  # sorted

    def move(self, group: set[int]) -> None:
        self.moved |= group
        self.chain.clear()
        self.stuck.clear()

    def depends(self, y: int, x: int) -> bool:
        key = y * len(self.steps) + x
        found = self.pairs.get(key)
        if found is None:
            steps = self.steps
            found = self.pairs[key] = depends(steps[y].effects, steps[x].effects)
        return found

    def blocks(self, y: int) -> bool:
        """A step the group cannot carry along: the anchor, one that reads the context, one a
        suppression comment keeps in place."""
        found = self.carriable.get(y)
        if found is None:
            found = self.carriable[y] = _carriable(self.steps[y])
        return y == self.anchor or not found or y in self.pinned

    def needed(self, r: int, why: bool = True) -> tuple[set[int], int | None, int]:
        """Step ``r`` and the steps it needs carried along; or the step that blocks it, and the
        member of the group it blocks.  ``why=False``: only whether it is blocked matters, and a
        blocked candidate may come back with an earlier one that is stuck as blocker and member.

        Scanning up from ``r``: a step that conflicts with something already in the group must
        move too (it would otherwise be jumped); it can only if it does not read the context.
        Steps already moved keep their order with the group, so they are skipped.  The member a
        step conflicts with is the nearest one below it.

        Mostly each step conflicts with the one right below it, which has just joined: then
        that one is the nearest member it conflicts with, whatever else the group holds, and the
        scan goes on up.  Where such a chain of steps stops is the same for every candidate
        below it, so it is found once (``chain_end``) and the scan jumps there.  Without the
        jump each candidate walked up to the anchor again, a stage's cost the square of its
        length.

        A candidate whose group takes in an earlier candidate that was blocked (``stuck``, with
        the same steps moved) is blocked too: its group then takes in everything that one's
        did, down to that one's blocker, or meets a blocker before.  Without ``why`` the scan
        stops there.
        """
        found = self._needed(r, why)
        if found[1] is not None:
            insort(self.stuck, r)
        return found

    def _needed(self, r: int, why: bool) -> tuple[set[int], int | None, int]:
        stuck = self.stuck if not why else ()
        order = [r]  # the group, last step first: each step joining it comes before all others
        y = r - 1
        while y >= self.anchor:
            if y in self.moved:
                y -= 1
                continue
            if order[-1] == y + 1 and self.depends(y, y + 1):  # a chain: y + 1 is the nearest member
                end = self.chain_end(y)
                order.extend(range(y, end, -1))  # y down to end + 1 join, one after another
                if stuck and (k := bisect_right(stuck, y)) and stuck[k - 1] > end:
                    return set(order), stuck[k - 1], stuck[k - 1]
                if end >= self.anchor and end not in self.moved and self.depends(end, end + 1):
                    return set(order), end, end + 1  # the chain's next step conflicts but cannot join
                y = end
                continue
            hit = None
            pairs, base = self.pairs, y * len(self.steps)
            for x in reversed(order):  # the nearest member first
                found = pairs.get(base + x)
                if found if found is not None else self.depends(y, x):
                    hit = x
                    break
            if hit is not None:
                if self.blocks(y):
                    return set(order), y, hit
                order.append(y)
                if stuck and y in stuck:
                    return set(order), y, y
            y -= 1
        return set(order), None, r

    def chain_end(self, y: int) -> int:
        """Below the first step at or above ``y`` that a chain from ``y`` cannot take in: the
        steps from ``y`` up to the returned index (left out) each conflict with the one below
        and can be carried.  ``y`` conflicts with ``y + 1``."""
        walked = []
        while True:
            found = self.chain.get(y)
            if found is not None:
                break
            if self.blocks(y):
                found = y
                break
            walked.append(y)
            y -= 1
            if y < self.anchor or y in self.moved or not self.depends(y, y + 1):
                found = y
                break
        for w in walked:
            self.chain[w] = found
        return found


def _concrete(blocker: Step, member: Step) -> bool:
    """A conflict worth a report: not one with a step slimfix cannot bound (nothing to act on)."""
    return not (blocker.effects.unbounded or member.effects.unbounded)


def _candidate(step: Step) -> bool:
    """A slow step worth moving: a bounded RUN, or an ADD of a URL, that reads no context."""
    e = step.effects
    if e.reads_context or e.unbounded or e.in_child:
        return False
    if e.keyword != "RUN" and not (e.keyword == "ADD" and not e.stages):
        return False
    return not _open_ended(step)


def _carriable(step: Step) -> bool:
    e = step.effects
    return not e.reads_context and e.keyword != "FROM" and not _open_ended(step)


def _open_ended(step: Step) -> bool:
    """The file's last line ending in the escape character: moved, it would swallow a line."""
    text = step.instr.text
    return not text.endswith("\n") and text.rstrip(" \t").endswith(step.instr.escape)


def _installs(step: Step) -> bool:
    return step.effects.keyword == "RUN" and bool(_PACKAGE_MANAGERS & set(step.effects.programs))


def _unmovable(step: Step) -> str | None:
    """Why an install that reads no context cannot move at all (None: not worth a report).

    Only when every command in it is one slimfix models, so the reason is in its arguments
    (a ``$PACKAGES`` list, a ``.deb`` path, an unknown HOME) and the author can act on it.
    """
    e = step.effects
    if not (_installs(step) and not e.reads_context and e.unbounded):
        return None
    if e.keyword == "RUN" and not run_footprint(step.instr, step.state).modelled:
        return None  # `make`, `npm ci`, sh -c: it likely reads the source; nothing to say
    return e.unbounded[0]


def _move(ctx: Context, steps: tuple[Step, ...], anchor: int, moved: list[int]) -> list[Edit]:
    df = ctx.df
    code = df.code
    last = df.instructions[-1]
    pieces: list[str] = []
    cuts: list[list[int]] = []
    for k in moved:
        instr = steps[k].instr
        start, end = df.span(instr)
        text = code[start:end]
        if not text.endswith("\n"):  # the file's last line, without a newline
            text += df.newline
            if instr is last and not df.footer:  # keep the file ending without one
                start -= 2 if code[:start].endswith("\r\n") else 1 if code[:start].endswith("\n") else 0
        pieces.append(text)
        if cuts and cuts[-1][1] >= start:
            cuts[-1][1] = max(cuts[-1][1], end)
        else:
            cuts.append([start, end])
    at = df.span(steps[anchor].instr)[0]
    return [Edit(at, at, "".join(pieces)), *(Edit(s, e, "") for s, e in cuts)]


def _same_instructions(
    ctx: Context, steps: tuple[Step, ...], anchor: int, following: Instruction | None, edits: list[Edit]
) -> bool:
    """The moved file parses into the same instructions, stage by stage.

    Only the text from the anchor (where the edits start) through the next stage's FROM is
    parsed again, so each check costs the size of its stage, not of the file.  That is the
    same answer: the parser reads line by line, the anchor starts an instruction and the
    escape character comes from the header, so the lines before the anchor parse as before;
    and when the next FROM comes out whole (not ended by the end of the text, no comment lines
    left over after it) the parser is where it was in the original file, so the rest of the
    file parses as before too.
    """
    df = ctx.df
    code = df.code
    at = df.span(steps[anchor].instr)[0]
    limit = df.span(following)[1] if following is not None else len(code)
    pieces, tail = [], limit
    for e in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        pieces += (code[e.end : tail], e.text)
        tail = e.start
    pieces.append(code[at:tail])
    region = "".join(reversed(pieces))
    try:
        after = parse(df.header.code + "\n" + region)  # a blank line: the region holds no directive
    except SlimfixSyntaxError:
        return False
    if following is not None and (after.footer or not after.instructions or after.instructions[-1].newline == ""):
        return False
    before = [s.instr for s in steps[anchor:]] + ([following] if following is not None else [])
    return _signature(after.instructions) == _signature(before)


def _signature(instructions) -> Counter:
    return Counter((i.sem.keyword, i.sem.value, i.comments) for i in instructions)


def _line(ctx: Context, step: Step) -> int:
    return ctx.df.lines_of(step.instr)[0]


def _head(step: Step, width: int = 40) -> str:
    text = " ".join(step.instr.sem.line.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def _message(ctx: Context, steps: tuple[Step, ...], anchor: int, r: int) -> str:
    return (
        f"{_head(steps[r])} reads nothing from the build context but runs after "
        f"`{_head(steps[anchor])}` (line {_line(ctx, steps[anchor])}): every source change re-runs it"
    )
