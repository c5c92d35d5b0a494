"""``edit_between``: the one replacement between two texts' common ends."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from slimfix.side_files import edit_between

TEXT = st.text(alphabet="ab\n#.", max_size=30)


@given(TEXT, TEXT)
def test_the_edit_turns_old_into_new_and_is_as_small_as_the_common_ends_allow(old: str, new: str) -> None:
    e = edit_between(old, new)
    assert old[: e.start] + e.text + old[e.end :] == new
    assert 0 <= e.start <= e.end <= len(old)
    kept_tail = len(old) - e.end
    # nothing shared at either end is replaced
    assert old[: e.start + 1] != new[: e.start + 1] or e.start == min(len(old), len(new))
    assert e.start + kept_tail <= min(len(old), len(new))
    if e.text and e.end > e.start:
        assert e.text[0] != old[e.start] and e.text[-1] != old[e.end - 1]


def test_appending_to_an_ignore_file() -> None:
    e = edit_between("*.log\n", "*.log\n.git\n")
    assert (e.start, e.end, e.text) == (6, 6, ".git\n")
