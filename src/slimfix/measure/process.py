"""Run one builder command line: capture its output, time it, and stop it after a timeout.

This is the only place in ``slimfix.measure`` that starts processes; the builders only
build command lines.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

TAIL_LINES = 40


class MeasureError(Exception):
    """``slimfix measure`` cannot go on; the message says what failed and why."""


@dataclass(frozen=True)
class Finished:
    """A command that ran to its end (its exit code may still be non-zero)."""

    argv: tuple[str, ...]
    returncode: int
    output: str  # stdout and stderr interleaved; for a build, only the last TAIL_LINES lines
    seconds: float

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def tail(self, lines: int = 20) -> str:
        return "\n".join(self.output.rstrip("\n").splitlines()[-lines:])


def run(
    argv: Sequence[str],
    *,
    timeout: float,
    env: Mapping[str, str] | None = None,
    on_line: Callable[[str], None] | None = None,
    keep: int | None = None,
) -> Finished:
    """Run ``argv`` with stdin closed; stdout and stderr go to one pipe.

    ``on_line`` sees each output line as it comes (the progress display uses it); ``keep``
    bounds how many lines are kept (None keeps all, for output that is parsed).  A command
    still running after ``timeout`` seconds is killed with its process group and raises
    ``MeasureError``; so does a command that cannot be started.
    """
    started = time.monotonic()
    try:
        proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            env={**os.environ, **env} if env else None,
            start_new_session=True,
        )
    except OSError as exc:
        raise MeasureError(f"cannot run {argv[0]}: {exc.strerror or exc}") from None
    lines: deque[str] = deque(maxlen=keep)
    reader = threading.Thread(target=_read, args=(proc, lines, on_line), daemon=True)
    reader.start()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        reader.join(5)
        tail = "".join(list(lines)[-TAIL_LINES:])
        raise MeasureError(
            f"{_shown(argv)} was still running after {timeout:.0f} s and was stopped "
            f"(raise --timeout); last output:\n{tail}"
        ) from None
    except BaseException:  # Ctrl-C: the builder runs in its own session, so stop it here
        _kill(proc)
        raise
    reader.join()
    return Finished(tuple(argv), proc.returncode, "".join(lines), time.monotonic() - started)


def _read(proc: subprocess.Popen[str], lines: deque[str], on_line: Callable[[str], None] | None) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line)
        if on_line is not None:
            on_line(line.rstrip("\n"))


def _kill(proc: subprocess.Popen[str]) -> None:
    """Stop the command and its children: SIGTERM (builders clean up), SIGKILL after 10 s."""
    for sig, grace in ((signal.SIGTERM, 10.0), (signal.SIGKILL, None)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue
    proc.wait()


def _shown(argv: Sequence[str]) -> str:
    return " ".join(argv[:3]) + (" ..." if len(argv) > 3 else "")
