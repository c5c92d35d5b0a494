"""Counting executed lines: how tests show an algorithm's work grows, without timing it."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path


def lines_run(call: Callable[[], object], watched: Callable[[str], bool]) -> Counter:
    """Lines executed during ``call()``, by file name, in the files ``watched(filename)`` accepts."""
    counts: Counter = Counter()

    def local(frame, event, arg):
        if event == "line":
            counts[Path(frame.f_code.co_filename).name] += 1
        return local

    def calls(frame, event, arg):
        return local if watched(frame.f_code.co_filename) else None

    before = sys.gettrace()
    sys.settrace(calls)
    try:
        call()
    finally:
        sys.settrace(before)
    return counts
