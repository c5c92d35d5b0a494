"""The ``slimfix`` command, a thin typer layer over ``slimfix.runner``.

``slimfix [PATH|-]... [--diff|--check|--write]`` fixes Dockerfiles; ``slimfix rules``,
``slimfix explain CODE``, ``slimfix config --init``, ``slimfix lsp`` and ``slimfix measure``
are the tools around it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from slimfix import __version__
from slimfix.runner import Mode, Options, run

TOOLS = ("rules", "explain", "config", "lsp", "measure")

fix_app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, context_settings={"help_option_names": ["-h", "--help"]})
tools_app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, context_settings={"help_option_names": ["-h", "--help"]}, no_args_is_help=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"slimfix {__version__}")
        raise typer.Exit(0)


def _codes(values: Optional[List[str]]) -> Optional[frozenset[str]]:
    if not values:
        return None
    return frozenset(c.strip().upper() for v in values for c in v.split(",") if c.strip())


@fix_app.command(
    epilog="Also: slimfix rules | explain CODE | config --init | lsp | measure PATH (see slimfix rules --help)."
)
def fix(
    paths: List[str] = typer.Argument(None, help="Dockerfiles or folders to search; '-' reads stdin."),
    diff: bool = typer.Option(False, "--diff", help="Show a unified diff of the fixes (the default)."),
    check: bool = typer.Option(False, "--check", help="Report; exit 1 if anything would change."),
    write: bool = typer.Option(False, "--write", help="Apply the fixes in place."),
    unsafe_fixes: Optional[bool] = typer.Option(None, "--unsafe-fixes/--no-unsafe-fixes", help="Also apply fixes that may change what the image does."),
    select: Optional[List[str]] = typer.Option(None, "--select", help="Only these codes or prefixes (comma-separated)."),
    ignore: Optional[List[str]] = typer.Option(None, "--ignore", help="Skip these codes or prefixes."),
    stdin_filename: Optional[str] = typer.Option(None, "--stdin-filename", help="The path of the text read from stdin."),
    context: Optional[Path] = typer.Option(None, "--context", help="The build context folder (default: the Dockerfile's)."),
    cache: Optional[str] = typer.Option(None, "--cache", help="clean: cleanup flags; mounts: BuildKit cache mounts."),
    config: Optional[Path] = typer.Option(None, "--config", help="Read this configuration file instead of searching."),
    output_format: str = typer.Option("text", "--output-format", help="text, json, sarif or github."),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="Print nothing but errors and diffs."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    """Rewrite Dockerfiles so images get slimmer and rebuilds faster, safely."""
    chosen = [m for m, on in ((Mode.DIFF, diff), (Mode.CHECK, check), (Mode.WRITE, write)) if on]
    if len(chosen) > 1:
        typer.echo("slimfix: choose one of --diff, --check and --write", err=True)
        raise typer.Exit(2)
    if output_format not in ("text", "json", "sarif", "github"):
        typer.echo(f"slimfix: unknown --output-format {output_format!r} (text, json, sarif, github)", err=True)
        raise typer.Exit(2)
    if cache is not None and cache not in ("clean", "mounts"):
        typer.echo(f"slimfix: --cache must be 'clean' or 'mounts', not {cache!r}", err=True)
        raise typer.Exit(2)
    options = Options(
        paths=list(paths or []),
        mode=chosen[0] if chosen else None,
        unsafe_fixes=unsafe_fixes,
        select=_codes(select),
        ignore=_codes(ignore),
        stdin_filename=stdin_filename,
        context=context,
        cache=cache,
        config=config,
        output_format=output_format,
        quiet=quiet,
    )
    raise typer.Exit(run(options))


@tools_app.command()
def rules() -> None:
    """List every transform: code, slug, safety and summary."""
    from slimfix.catalog import rules_table

    typer.echo(rules_table())


@tools_app.command()
def explain(code: str = typer.Argument(..., help="A code such as SF201.")) -> None:
    """Show a transform's full catalog entry with its before/after example."""
    from slimfix.catalog import explain as explain_code

    try:
        typer.echo(explain_code(code))
    except KeyError:
        typer.echo(f"slimfix: no transform {code!r}; see 'slimfix rules'", err=True)
        raise typer.Exit(2)


@tools_app.command("config")
def config_cmd(
    init: bool = typer.Option(False, "--init", help="Write a commented .slimfix.yaml here."),
    path: Path = typer.Option(Path(".slimfix.yaml"), "--path", help="Where to write it."),
) -> None:
    """Write a starter configuration file."""
    from slimfix.config import STARTER

    if not init:
        typer.echo("slimfix config: use --init to write a starter .slimfix.yaml", err=True)
        raise typer.Exit(2)
    if path.exists():
        typer.echo(f"slimfix: {path} exists; not overwriting it", err=True)
        raise typer.Exit(2)
    path.write_text(STARTER, encoding="utf-8")
    typer.echo(f"wrote {path}")


@tools_app.command()
def lsp() -> None:
    """Run the language server on stdio (needs the 'lsp' extra: pip install 'slimfix[lsp]')."""
    try:
        from slimfix.lsp import serve
    except ImportError as exc:
        typer.echo(f"slimfix lsp needs pygls: pip install 'slimfix[lsp]' ({exc})", err=True)
        raise typer.Exit(2)
    serve()


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "measure":
        from slimfix.measure.cli import main as measure_main

        return measure_main(args[1:])
    app = tools_app if args and args[0] in TOOLS else fix_app
    try:
        code = app(args=args, prog_name="slimfix", standalone_mode=False)
        return code if isinstance(code, int) else 0
    except typer.Exit as exc:
        return exc.exit_code
    except SystemExit as exc:  # pragma: no cover - typer internals
        return int(exc.code or 0)
    except Exception as exc:
        # usage errors from typer's click (vendored as typer._click in recent typer)
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):
            exc.show()
            return 2
        if type(exc).__name__ == "Abort":
            return 2
        raise
