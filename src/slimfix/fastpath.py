"""The editor's and pre-commit's command lines, without loading typer.

``slimfix - --stdin-filename X`` runs on every save, so its start-up time is the user's wait;
typer (with click and, in recent versions, pydantic) costs more than the fix itself.  This
reads only the common flags into the same ``Options`` and calls the same ``runner.run``.
Anything else (help, version, subcommands, an unknown or repeated option, a usage error)
returns None and goes through typer, which owns every message.
``tests/test_fastpath.py`` runs each supported form both ways and compares the bytes.
"""

from __future__ import annotations

FLAGS = {"--check": "check", "--diff": "diff", "--write": "write", "-q": "quiet", "--quiet": "quiet"}
UNSAFE = {"--unsafe-fixes": True, "--no-unsafe-fixes": False}
VALUED = ("--stdin-filename", "--select", "--ignore")
SUBCOMMANDS = ("rules", "explain", "config", "lsp", "measure")


def parse_args(argv: list[str]) -> dict | None:
    """The flags and paths of a simple invocation; None for anything typer must handle."""
    if not argv or argv[0] in SUBCOMMANDS:
        return None
    seen: dict = {"paths": [], "--select": [], "--ignore": []}
    args = iter(argv)
    for arg in args:
        if arg == "-" or not arg.startswith("-"):
            seen["paths"].append(arg)
            continue
        name, eq, value = arg.partition("=")
        if name in VALUED:
            if not eq:
                value = next(args, None)
                if value is None or value.startswith("-"):
                    return None
            if name == "--stdin-filename":
                if name in seen:
                    return None
                seen[name] = value
            else:
                seen[name].append(value)
        elif eq:
            return None
        elif arg in FLAGS:
            seen[FLAGS[arg]] = True
        elif arg in UNSAFE:
            if "unsafe" in seen and seen["unsafe"] != UNSAFE[arg]:
                return None
            seen["unsafe"] = UNSAFE[arg]
        else:
            return None  # --help, --version, --, other options: typer's
    modes = [m for m in ("diff", "check", "write") if seen.get(m)]
    if not seen["paths"] or len(modes) > 1:
        return None
    seen["mode"] = modes[0] if modes else None
    return seen


def _codes(values: list[str]) -> frozenset[str] | None:
    """As ``cli._codes``: comma-separated, repeatable, upper-cased."""
    if not values:
        return None
    return frozenset(c.strip().upper() for v in values for c in v.split(",") if c.strip())


def main(argv: list[str]) -> int | None:
    """Run a simple invocation and return its exit code; None: let typer run it."""
    seen = parse_args(argv)
    if seen is None:
        return None
    import gc

    # Start-up creates thousands of objects that live as long as the process: the collector
    # would only walk them over and over.  Rest it while importing, then freeze what exists
    # (later collections skip it, and pool workers share those pages with their parent).
    gc.disable()
    try:
        from slimfix.engine import transforms
        from slimfix.runner import Mode, Options, run

        transforms()  # every file's check needs them
    finally:
        gc.enable()
    gc.freeze()

    options = Options(
        paths=seen["paths"],
        mode=Mode(seen["mode"]) if seen["mode"] else None,
        unsafe_fixes=seen.get("unsafe"),
        select=_codes(seen["--select"]),
        ignore=_codes(seen["--ignore"]),
        stdin_filename=seen.get("--stdin-filename"),
        quiet=bool(seen.get("quiet")),
    )
    return run(options)
