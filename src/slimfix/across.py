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

from collections.abc import Iterator
from contextlib import contextmanager

KEEPING = True  # read by the memos on every call: a module attribute, not a function


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
