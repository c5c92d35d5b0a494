"""Which steps of a rebuild ran again, and how long each took, read from the builder's log.

A rebuild after a source change should reuse every layer before the one that copies the
source; these steps show whether it did.  ``StepClock`` stamps each log line as it arrives;
``read_steps`` turns the stamped lines into ``Step`` records.  Two log styles are read:

- buildah and podman: ``[1/2] STEP 3/5: COPY requirements.txt /app/`` opens a step,
  ``--> Using cache 0a5e5014...`` marks it reused; a step lasts until the next step, the
  ``COMMIT`` line or the end of the log (so a reused step's time is the cache check);
- BuildKit's plain progress: ``#7 [builder 3/5] RUN pip install ...`` opens step 7,
  ``#7 CACHED`` marks it reused and ``#7 DONE 19.8s`` gives its time.

``FROM`` steps and BuildKit's ``[internal]`` ones make no layer of the Dockerfile's, so they
are left out.  A log in neither style gives no steps.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

_BUILDAH_STEP = re.compile(r"^(?:\[\d+/\d+\] )?STEP \d+(?:/\d+)?: (?P<instruction>.*)$")
_BUILDAH_CACHED = re.compile(r"^--> Using cache \w+")
_BUILDAH_COMMIT = re.compile(r"^(?:\[\d+/\d+\] )?COMMIT\b")
_KIT_STEP = re.compile(r"^#(?P<id>\d+) \[(?P<where>[^\]]*)\] (?P<instruction>.*)$")
_KIT_CACHED = re.compile(r"^#(?P<id>\d+) CACHED$")
_KIT_DONE = re.compile(r"^#(?P<id>\d+) DONE (?P<seconds>\d+(?:\.\d+)?)s$")

Stamped = tuple[float, str]  # seconds since the command started, one line of its output


@dataclass(frozen=True)
class Step:
    instruction: str  # as the builder printed it
    cached: bool  # the builder reused the layer it made before
    seconds: float


class StepClock:
    """An ``on_line`` hook that keeps each line with the time it arrived, then passes it on."""

    def __init__(self, then: Callable[[str], None] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._then = then
        self._clock = clock
        self._started = clock()
        self.lines: list[Stamped] = []

    def __call__(self, line: str) -> None:
        self.lines.append((self._clock() - self._started, line))
        if self._then is not None:
            self._then(line)

    def steps(self, seconds: float) -> tuple[Step, ...]:
        """The steps of a command that ran for ``seconds``."""
        return read_steps(self.lines, seconds)


def read_steps(lines: Sequence[Stamped], end: float) -> tuple[Step, ...]:
    if any(_KIT_STEP.match(line) for _, line in lines):
        return _buildkit(lines)
    return _buildah(lines, end)


def _buildah(lines: Sequence[Stamped], end: float) -> tuple[Step, ...]:
    steps: list[Step] = []
    open_: tuple[float, str] | None = None
    cached = False

    def close(at: float) -> None:
        if open_ is not None and not open_[1].startswith("FROM "):
            steps.append(Step(open_[1], cached, max(0.0, at - open_[0])))

    for at, line in lines:
        if m := _BUILDAH_STEP.match(line):
            close(at)
            open_, cached = (at, m["instruction"]), False
        elif _BUILDAH_CACHED.match(line):
            cached = True
        elif _BUILDAH_COMMIT.match(line):
            close(at)
            open_ = None
    close(end)
    return tuple(steps)


def _buildkit(lines: Sequence[Stamped]) -> tuple[Step, ...]:
    opened: dict[str, str] = {}  # step id -> instruction, in the order the steps opened
    cached: set[str] = set()
    seconds: dict[str, float] = {}
    for _, line in lines:
        if m := _KIT_STEP.match(line):
            if m["where"] != "internal" and not m["instruction"].startswith("FROM "):
                opened.setdefault(m["id"], m["instruction"])
        elif m := _KIT_CACHED.match(line):
            cached.add(m["id"])
        elif m := _KIT_DONE.match(line):
            seconds[m["id"]] = float(m["seconds"])
    return tuple(Step(text, key in cached, seconds.get(key, 0.0)) for key, text in opened.items())
