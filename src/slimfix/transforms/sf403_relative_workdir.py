"""SF403 relative-workdir

## What it does
Spells a relative ``WORKDIR`` as the absolute path BuildKit resolves it to: ``WORKDIR app``
after ``FROM python:3.12-slim`` becomes ``WORKDIR /app``.  ``.``, ``..`` and trailing slashes
are resolved the way BuildKit's ``path.Join`` does, and quotes are kept.

A relative ``WORKDIR`` resolves against the one in force.  At the start of a stage that is
the base image's ``WORKDIR``:

- a stage built FROM another stage of the file inherits that stage's last ``WORKDIR``;
- ``scratch`` and the official images in ``KNOWN_WORKDIRS`` have a known one: ``/`` for
  python, node, ruby, debian, ubuntu, alpine, buildpack-deps and busybox, ``/go`` for golang
  (read from their Dockerfiles: docker-library's python, ruby, golang and buildpack-deps
  templates, nodejs/docker-node, and the rootfs images, which are ``FROM scratch``, ``ADD``,
  ``CMD``); Windows tags and ``--platform=windows`` are not known;
- for any other image (php sets ``/var/www/html``, many images set their own), or a base
  given by a variable, the directory is unknown, so the instruction is only reported.  This
  is the strict choice: guessing ``/`` would move files when the guess is wrong.

Also only reported: a relative path that holds a variable, the escape character, blanks, or
a Windows path (``C:\\app``), and ``ONBUILD WORKDIR`` (it resolves in a later build).

## Why is this bad?
A relative ``WORKDIR`` depends on every ``WORKDIR`` before it, including the base image's, so
the directory files land in changes when the base image changes or lines move.

## Example
```dockerfile
FROM python:3.12-slim
WORKDIR app
```

## Use instead
```dockerfile
FROM python:3.12-slim
WORKDIR /app
```

## Fix safety
Safe: the new spelling names the same directory BuildKit already used.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from slimfix.cst import Instruction, Stage
from slimfix.engine import Context, Diagnostic, Safety
from slimfix.images import _DRIVE, KNOWN_WORKDIRS, official_image
from slimfix.shell import TextEdit

CODE = "SF403"

def check(ctx: Context) -> Iterator[Diagnostic]:
    df = ctx.df
    final: dict[str, str | None] = ctx.carry.setdefault("final", {})  # stage name -> its last WORKDIR (None: unknown)
    for stage in ctx.stages:
        if stage.index < 0:
            continue
        current, origin = _start(stage, final)
        for instr in stage.instructions:
            sem = instr.sem
            if sem.inner is not None and sem.command.keyword == "WORKDIR":
                path = _literal(sem.command.args, instr.escape)
                if path is not None and _relative(path):
                    yield ctx.diagnostic(
                        instr,
                        (
                            f"ONBUILD WORKDIR {path} is relative: it resolves against the WORKDIR of the image "
                            "that builds FROM this one, which slimfix cannot know; write an absolute path"
                        ),
                        at=_args_span(instr),
                    )
                continue
            if sem.keyword != "WORKDIR":
                continue
            found, current = _workdir(ctx, instr, current, origin)
            origin = f"the WORKDIR on line {df.lines_of(instr)[0]}"
            if found is not None:
                yield found
        if stage.name:
            final[stage.name] = current


def _start(stage: Stage, final: dict[str, str | None]) -> tuple[str | None, str]:
    """The WORKDIR a stage starts in (None: unknown) and where it comes from."""
    base = stage.base or ""
    if base.lower() in final:  # only earlier stages are in it yet
        return final[base.lower()], f"the last WORKDIR of stage {base!r}"
    platform = stage.from_.sem.flag("platform") if stage.from_ is not None else None
    windows = platform is not None and (platform.value or "").lower().startswith("windows")
    name = None if windows else official_image(base)
    origin = f"the WORKDIR of image {base!r}"
    return (None if name is None else KNOWN_WORKDIRS[name]), origin


def _workdir(
    ctx: Context, instr: Instruction, current: str | None, origin: str
) -> tuple[Diagnostic | None, str | None]:
    """The diagnostic for one WORKDIR (if any) and the WORKDIR in force after it."""
    raw = instr.sem.args
    if not raw:
        return None, current  # BuildKit refuses it; nothing to spell out
    at = _args_span(instr)
    path = _literal(raw, instr.escape)
    shown = path if path is not None else raw.lstrip("'\"")
    if shown.startswith(("$", "\\")) or re.match(_DRIVE, shown):
        return None, None  # may be absolute once expanded, or a Windows path
    if shown.startswith("/"):
        return None, path  # None when it holds a variable: the directory is then unknown
    if path is None:
        msg = (
            f"WORKDIR {raw} is relative, and its path holds a variable, blanks or the escape character, "
            "so slimfix does not spell it out; write an absolute path"
        )
        return ctx.diagnostic(instr, msg, at=at), None
    quote = raw[0] if raw[0] in "'\"" else ""
    if current is None:
        msg = f"WORKDIR {raw} is relative: it resolves against {origin}, which slimfix does not know; write an absolute path"
        return ctx.diagnostic(instr, msg, at=at), None
    resolved = posixpath.normpath(posixpath.join("/", current, path))
    resolved = "/" + resolved.lstrip("/")  # normpath keeps a leading "//"
    new = f"{quote}{resolved}{quote}"
    msg = (
        f"WORKDIR {raw} is relative to the WORKDIR in force ({current}, {origin}); spells it "
        f"{new}, the same directory, so it no longer depends on the lines before it"
    )
    return ctx.diagnostic(instr, msg, [TextEdit(*at, new)], Safety.SAFE, f"Use WORKDIR {new}", at), resolved


def _literal(raw: str, escape: str) -> str | None:
    """The path when it is one plain or quoted word with nothing for the shell to process."""
    quote = raw[:1] if raw[:1] in "'\"" else ""
    inner = raw[1:-1] if quote and len(raw) > 1 and raw.endswith(quote) else None if quote else raw
    if not inner or any(c in inner for c in ("$", "'", '"', escape, " ", "\t")):
        return None
    return inner


def _relative(path: str) -> bool:
    return not path.startswith("/") and not re.match(_DRIVE, path) and not path.startswith("\\")


def _args_span(instr: Instruction) -> tuple[int, int]:
    sem = instr.sem.command
    return sem.to_text(sem.args_start), sem.to_text(sem.args_start + len(sem.args), end=True)
