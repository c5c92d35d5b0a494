"""``slimfix measure [PATH]``: the command line around ``session.measure``.

Exit status: 0 measured; 1 measured, and the ``--run`` smoke command passes in the original
image but fails in the rewritten one; 2 usage error, no builder, or a failed build.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from slimfix.measure.builders import NAMES, detect
from slimfix.measure.process import MeasureError
from slimfix.measure.progress import Progress
from slimfix.measure.report import render_table, to_json
from slimfix.measure.session import Request, measure

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False,
                  context_settings={"help_option_names": ["-h", "--help"]})


@app.command()
def measure_cmd(
    path: Annotated[Path, typer.Argument(help="A Dockerfile, or the folder holding it (the default build context).")] = Path("."),
    file: Annotated[Path | None, typer.Option("--file", "-f", help="The Dockerfile, when PATH is the context folder.")] = None,
    context: Annotated[Path | None, typer.Option("--context", help="The build context (default: PATH's folder).")] = None,
    builder: Annotated[str | None, typer.Option("--builder", help=f"One of {', '.join(NAMES)} (default: the first found).")] = None,
    smoke: Annotated[str | None, typer.Option("--run", help="A shell command to run in both images (sh -c).")] = None,
    layers: Annotated[bool, typer.Option("--layers", help="Show each layer's size beside the instruction that made it.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON (see the docs for the shape).")] = False,
    unsafe_fixes: Annotated[bool, typer.Option("--unsafe-fixes", help="Let the rewrite apply unsafe fixes too.")] = False,
    touch: Annotated[str | None, typer.Option("--touch", help="The context file to change before the rebuild.")] = None,
    keep: Annotated[bool, typer.Option("--keep", help="Keep the built images and the temporary copies.")] = False,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds each build may take.", min=1)] = 1800.0,
    rebuilds: Annotated[int, typer.Option("--rebuilds", help="Rebuild N times, each after its own one-line change, and report the median.", min=1)] = 1,
) -> None:
    """Build the Dockerfile as written and as slimfix rewrites it, and compare the two.

    The builds run in temporary copies of the build context; your files are not touched.
    """
    try:
        request = _request(path, file, context, smoke, layers, unsafe_fixes, touch, keep, timeout, rebuilds)
        chosen = detect(builder)
        result = measure(request, chosen, Progress())
    except MeasureError as exc:
        typer.echo(f"slimfix measure: {exc}", err=True)
        raise typer.Exit(2)
    typer.echo(to_json(result) if as_json else render_table(result), nl=as_json)
    raise typer.Exit(1 if result.smoke_regressed else 0)


def _request(
    path: Path, file: Path | None, context: Path | None, smoke: str | None, layers: bool,
    unsafe_fixes: bool, touch: str | None, keep: bool, timeout: float, rebuilds: int,
) -> Request:
    if path.is_dir():
        dockerfile = file if file is not None else path / "Dockerfile"
        folder = path
    elif path.is_file():
        if file is not None:
            raise MeasureError(f"give the Dockerfile once: {path} is a file and --file names {file}")
        dockerfile, folder = path, path.parent
    else:
        raise MeasureError(f"{path}: no such file or folder")
    if not dockerfile.is_file():
        raise MeasureError(f"{dockerfile}: no Dockerfile there (name it with --file)")
    context = context if context is not None else folder
    if not context.is_dir():
        raise MeasureError(f"--context {context}: not a folder")
    if smoke is not None and not smoke.strip():
        raise MeasureError("--run needs a command")
    return Request(
        dockerfile=dockerfile, context=context, shown=str(dockerfile), smoke=smoke, layers=layers,
        unsafe_fixes=unsafe_fixes, touch=touch, keep=keep, timeout=timeout, rebuilds=rebuilds,
    )


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[2:] if argv is None else argv)
    try:
        code = app(args=args, prog_name="slimfix measure", standalone_mode=False)
        return code if isinstance(code, int) else 0
    except typer.Exit as exc:
        return exc.exit_code
    except Exception as exc:
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):  # click usage errors
            exc.show()
            return 2
        if type(exc).__name__ == "Abort":
            return 2
        raise
