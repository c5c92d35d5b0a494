"""``python -m slimfix`` and the ``slimfix`` script."""

from __future__ import annotations

import sys


def main() -> int:
    from slimfix.fastpath import main as fast_main

    code = fast_main(sys.argv[1:])  # the editor's and pre-commit's common cases, without typer
    if code is not None:
        return code
    from slimfix.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
