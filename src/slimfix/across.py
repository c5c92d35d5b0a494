"""Whether answers are kept across trees.

Some views are kept by everything they are computed from, not on one tree: the effects and the
State after an instruction (``analysis``), the shell-word view of a command line (``shell``)
and the scripts of its here-documents (``packagers``).  The fix loop's next pass re-parses the
file and finds them again, and so do the alike files of a batch.

A large file, checked a window of stages at a time (``engine.check_tree``), finds none of
them again: each memo keeps the last couple of thousand answers, and the next pass comes back
to an instruction tens of thousands of answers later.  Kept, they would only hold memory (8 MB
of the 5 MB benchmark file's peak); ``paused`` turns keeping off while such a file is checked.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

KEEPING = True  # read by the memos on every call: a module attribute, not a function


class Memo(OrderedDict):
    """Answers kept by everything they are computed from, the oldest dropped past ``size``."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def keep(self, key: object, compute: Callable[..., Any], *args: object) -> Any:
        """``compute(*args)``, whose answer ``key`` determines: kept, or found kept."""
        found = self.get(key)
        if found is None:
            found = self[key] = compute(*args)
            if len(self) > self.size:
                self.popitem(last=False)  # the oldest
        return found


@contextmanager
def paused(pause: bool = True) -> Iterator[None]:
    """Inside the block (when ``pause``), the memos neither keep nor look up answers: each is
    computed afresh, which is the same answer."""
    global KEEPING
    before = KEEPING
    KEEPING = before and not pause
    try:
        yield
    finally:
        KEEPING = before
