"""What ``slimfix measure`` is doing, on stderr, while it builds.

On a terminal one status line is redrawn every second: the step, its elapsed time and the
builder's latest output line.  Elsewhere (CI logs, pipes) each step prints one line when it
starts and one when it ends, so logs stay short.
"""

from __future__ import annotations

import shutil
import sys
import threading
import time
from typing import TextIO


class Progress:
    def __init__(self, stream: TextIO | None = None, live: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self._label = ""
        self._latest = ""
        self._started = 0.0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def start(self, label: str) -> None:
        """Begin a step (ends the previous one)."""
        self.finish()
        with self._lock:
            self._label, self._latest, self._started = label, "", time.monotonic()
        if self.live:
            self._stop.clear()
            self._ticker = threading.Thread(target=self._tick, daemon=True)
            self._ticker.start()
        else:
            self._write(f"slimfix measure: {label} ...\n")

    def output(self, line: str) -> None:
        """A line the builder printed (shown on a terminal only)."""
        if line.strip():
            with self._lock:
                self._latest = line.strip()

    def finish(self, result: str = "done") -> None:
        if not self._label:
            return
        elapsed = time.monotonic() - self._started
        if self._ticker is not None:
            self._stop.set()
            self._ticker.join()
            self._ticker = None
            self._write("\r\x1b[K")
        self._write(f"slimfix measure: {self._label}: {result} ({elapsed:.1f} s)\n")
        self._label = ""

    def _tick(self) -> None:
        while not self._stop.wait(1.0):
            with self._lock:
                text = f"{self._label} {time.monotonic() - self._started:.0f}s  {self._latest}"
            width = shutil.get_terminal_size((100, 20)).columns - 1
            self._write("\r\x1b[K" + text[:width])

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()
