"""``python -m slimfix`` and the ``slimfix`` script."""

from __future__ import annotations

import os
import sys


def main() -> int:
    """Run the command line and return its exit code."""
    return _run(leave=False)


def entry() -> None:
    """The ``slimfix`` script and ``python -m slimfix``: ``main``, then exit."""
    raise SystemExit(_run(leave=True))


def _run(leave: bool) -> int:
    from slimfix.fastpath import main as fast_main

    code = fast_main(sys.argv[1:])  # the editor's and pre-commit's common cases, without typer
    if code is not None:
        if leave:
            # The fast path holds nothing open: its files are written and closed, a pool is shut
            # down.  Tearing the interpreter down (every module and object freed one by one)
            # would cost the editor ~2 ms on every save; the two streams are all that is left.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        return code
    from slimfix.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    entry()
