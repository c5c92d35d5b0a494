"""``python -m slimfix`` and the ``slimfix`` script."""

from __future__ import annotations

import sys


def main() -> int:
    from slimfix.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
