"""A large file keeps nothing across trees (``slimfix.across``): its next pass would not find
it again, and on the 5 MB benchmark file the memos held 8 MB of its peak."""

from __future__ import annotations


from test_check_windows import _generated, _joined

from slimfix import across, analysis, engine, heredocs, parse, shell
from slimfix.cst import nodes
from slimfix.engine import Settings, check_tree


def _sizes() -> tuple[int, ...]:
    return (len(analysis._KEPT), len(analysis._ADVANCED), len(heredocs._KEPT), shell._cached_view.cache_info().currsize,
            len(nodes._SEMS))


def test_a_file_checked_in_windows_keeps_nothing_across_trees(monkeypatch) -> None:
    monkeypatch.setattr(analysis, "_KEPT", across.Memo(2048))
    monkeypatch.setattr(analysis, "_ADVANCED", across.Memo(2048))
    monkeypatch.setattr(heredocs, "_KEPT", {})
    monkeypatch.setattr(nodes, "_SEMS", across.Memo(1024))
    shell._cached_view.cache_clear()
    text = _joined(_generated(40), 40)[0]
    whole = check_tree(parse(text), Settings())
    assert all(_sizes()) and across.KEEPING  # one window: kept, and keeping again after
    monkeypatch.setattr(analysis, "_KEPT", across.Memo(2048))
    monkeypatch.setattr(analysis, "_ADVANCED", across.Memo(2048))
    monkeypatch.setattr(heredocs, "_KEPT", {})
    monkeypatch.setattr(nodes, "_SEMS", across.Memo(1024))
    shell._cached_view.cache_clear()
    monkeypatch.setattr(engine, "WINDOW", 1)  # a window per stage, as a large file's
    assert check_tree(parse(text), Settings()) == whole
    assert _sizes() == (0, 0, 0, 0, 0) and across.KEEPING


def test_paused_nests_and_restores() -> None:
    with across.paused():
        assert not across.KEEPING
        with across.paused(False):
            assert not across.KEEPING  # inside a pause, still paused
        assert not across.KEEPING
    assert across.KEEPING
    with across.paused(False):
        assert across.KEEPING
