"""SF202's scan for the steps a candidate needs (``_Scan.needed``) against the plain scan it
replaced, which walked every candidate up to the anchor again: the same group, blocker and
member for every candidate (asked without ``why``: whether it is blocked, and the group it
moves), on random dependency graphs and on real files; and linear work on a long chain."""

from __future__ import annotations

import random

from golden import cases
from linecount import lines_run
from test_check_windows import _generated

from slimfix.engine import Settings, fix_text
from slimfix.transforms import sf202_context_copy_before_slow_layers as sf202


def same(got, want, why: bool) -> bool:
    """``needed``'s answer against the plain scan's: all of it, or without ``why`` whether it is
    blocked and, if not, the group."""
    if why or want[1] is None:
        return got == want
    return got[1] is not None


def reference(steps, anchor, r, moved, pinned, carriable, depends):
    """The scan as it was: each step up from ``r`` checked against the group's members, nearest first."""
    needed = {r}
    order = [r]
    for y in range(r - 1, anchor - 1, -1):
        if y in moved:
            continue
        hit = next((x for x in reversed(order) if depends(y, x)), None)
        if hit is not None:
            if y == anchor or not carriable(y) or y in pinned:
                return needed, y, hit
            needed.add(y)
            order.append(y)
    return needed, None, r


class _Graph:
    """Steps 0..n-1 whose effects are their indices: ``depends`` and ``_carriable`` read the drawn relation."""

    def __init__(self, n: int, edges: set[tuple[int, int]], uncarriable: set[int]) -> None:
        self.n, self.edges, self.uncarriable = n, edges, uncarriable

    def depends(self, a, b) -> bool:
        return (a, b) in self.edges

    def carriable(self, step) -> bool:
        return step.effects not in self.uncarriable


class _Step:
    def __init__(self, k: int) -> None:
        self.effects = k


def _random_stage(seed: int):
    """A stage of up to 12 steps with a random dependency relation, steps that cannot be carried
    or are pinned, an anchor, the candidates (_stage asks for these only) and for each whether
    it asks ``why``."""
    rnd = random.Random(seed)
    n = rnd.randint(2, 12)
    dense = rnd.choice([0.1, 0.3, 0.5, 0.8])
    edges = {(y, x) for y in range(n) for x in range(y + 1, n) if rnd.random() < dense}
    graph = _Graph(n, edges, {k for k in range(n) if rnd.random() < 0.15})
    pinned = {k for k in range(n) if rnd.random() < 0.05}
    anchor = rnd.randint(0, n - 2)
    candidates = [k for k in range(anchor + 1, n) if rnd.random() < 0.6]
    return graph, anchor, pinned, candidates, [rnd.random() < 0.5 for _ in range(n)]


def test_scan_matches_the_plain_scan_on_random_graphs() -> None:
    """20,000 seeded random stages (hypothesis' graphs, denser near zero, missed cases these find)."""
    real = sf202.depends, sf202._carriable
    try:
        for seed in range(20_000):
            graph, anchor, pinned, candidates, why = _random_stage(seed)
            sf202.depends, sf202._carriable = graph.depends, graph.carriable
            steps = tuple(_Step(k) for k in range(graph.n))
            scan = sf202._Scan(steps, anchor, pinned)
            for r in candidates:  # as _stage asks: in order, moving each group that can move
                want = reference(steps, anchor, r, set(scan.moved), pinned, lambda y: graph.carriable(steps[y]),
                                 lambda y, x: (y, x) in graph.edges)
                got = scan.needed(r, why[r])
                assert same(got, want, why[r]), (seed, r, got, want)
                if got[1] is None:
                    scan.move(got[0])
    finally:
        sf202.depends, sf202._carriable = real


def test_scan_matches_the_plain_scan_on_real_files(monkeypatch) -> None:
    """Every candidate of every stage of the golden inputs and of generated files."""
    real = sf202._Scan.needed
    asked = []

    def both(self, r, why=True):
        want = reference(self.steps, self.anchor, r, set(self.moved), self.pinned,
                         lambda y: sf202._carriable(self.steps[y]),
                         lambda y, x: sf202.depends(self.steps[y].effects, self.steps[x].effects))
        got = real(self, r, why)
        assert same(got, want, why)
        asked.append((got[1] is None, why))
        return got

    monkeypatch.setattr(sf202._Scan, "needed", both)
    texts = [case.source() for case in cases()] + _generated(150)
    for text in texts:
        try:
            fix_text(text, Settings(select=frozenset({"SF202"})))
        except Exception:
            continue
    assert len(asked) > 1000 and {moves for moves, _ in asked} == {True, False} and {why for _, why in asked} == {True, False}


def _chain(n: int) -> str:
    """A stage whose n candidates each write what the next reads: every one is blocked at the anchor."""
    runs = "".join(f"RUN echo {k} >> /srv/log && apt-get install -y p{k}\n" for k in range(n))
    return "FROM debian:12\nWORKDIR /srv\nCOPY . /srv\n" + runs


def test_scan_work_grows_linearly_with_a_chain() -> None:
    def work(n: int) -> int:
        text = _chain(n)
        fix_text(text, Settings(select=frozenset({"SF202"})))  # effects computed and kept
        counts = lines_run(lambda: fix_text(text, Settings(select=frozenset({"SF202"}))),
                           lambda f: f.endswith("sf202_context_copy_before_slow_layers.py"))
        return counts["sf202_context_copy_before_slow_layers.py"]

    small, large = work(40), work(160)
    assert large < 5 * small, (small, large)  # the plain scan: about 16 times
