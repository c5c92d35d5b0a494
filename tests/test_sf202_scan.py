"""SF202's scan for the steps a candidate needs (``_Scan.needed``) against the plain scan it
replaced, which walked every candidate up to the anchor again: the same group, blocker and
member for every candidate, on random dependency graphs and on real files; and linear work on
a long chain."""

from __future__ import annotations

from golden import cases
from hypothesis import given, settings
from hypothesis import strategies as st
from linecount import lines_run
from test_check_windows import _generated

from slimfix.engine import Settings, fix_text
from slimfix.transforms import sf202_context_copy_before_slow_layers as sf202


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


@st.composite
def graphs(draw):
    n = draw(st.integers(2, 14))
    dense = draw(st.sampled_from([0.2, 0.6, 0.95]))
    edges = {(y, x) for y in range(n) for x in range(y + 1, n) if draw(st.floats(0, 1)) < dense}
    uncarriable = draw(st.sets(st.integers(0, n - 1), max_size=3))
    pinned = draw(st.sets(st.integers(0, n - 1), max_size=2))
    anchor = draw(st.integers(0, n - 2))
    return _Graph(n, edges, uncarriable), anchor, pinned


@settings(max_examples=400, deadline=None)
@given(graphs())
def test_scan_matches_the_plain_scan_on_random_graphs(monkeypatch_graph) -> None:
    graph, anchor, pinned = monkeypatch_graph
    steps = tuple(_Step(k) for k in range(graph.n))
    real = sf202.depends, sf202._carriable
    sf202.depends, sf202._carriable = graph.depends, graph.carriable
    try:
        scan = sf202._Scan(steps, anchor, pinned)
        for r in range(anchor + 1, graph.n):  # as _stage asks: in order, moving each group that can move
            got = scan.needed(r)
            want = reference(steps, anchor, r, set(scan.moved), pinned, lambda y: graph.carriable(steps[y]),
                             lambda y, x: (y, x) in graph.edges)
            assert got == want, (r, got, want)
            if got[1] is None:
                scan.move(got[0])
    finally:
        sf202.depends, sf202._carriable = real


def test_scan_matches_the_plain_scan_on_real_files(monkeypatch) -> None:
    """Every candidate of every stage of the golden inputs and of generated files."""
    real = sf202._Scan.needed
    asked = []

    def both(self, r):
        got = real(self, r)
        want = reference(self.steps, self.anchor, r, set(self.moved), self.pinned,
                         lambda y: sf202._carriable(self.steps[y]),
                         lambda y, x: sf202.depends(self.steps[y].effects, self.steps[x].effects))
        assert got == want
        asked.append(got[1] is None)
        return got

    monkeypatch.setattr(sf202._Scan, "needed", both)
    texts = [case.source() for case in cases()] + _generated(150)
    for text in texts:
        try:
            fix_text(text, Settings(select=frozenset({"SF202"})))
        except Exception:
            continue
    assert len(asked) > 1000 and any(asked) and not all(asked)


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
