"""SF001 build-context-not-ignored

## What it does
Looks at the build context the Dockerfile is built with and finds what the image does not
need: VCS folders, virtual environments (found by their ``pyvenv.cfg``), ``__pycache__`` and
``*.pyc``, ``node_modules`` when the image runs its own install, test and coverage caches,
editor folders, OS litter, build output, secret-looking files and large files (over 1 MB).
Along with any of those it also leaves out the Dockerfiles and ignore files themselves (as
``docker init`` does): the builder reads them apart from the context, and in the image they
only make every Dockerfile edit invalidate the ``COPY . .`` layer.  Not when a RUN names one.
It reports them on the first ``COPY . DEST`` (or other instruction sending the whole
context), else on the first instruction that reads the context; the command line then
creates or extends the ``.dockerignore`` (or the Dockerfile's own ``Dockerfile.dockerignore``)
beside the context.  The Dockerfile itself is never edited.

## Why is this bad?
Everything in the context is sent to the builder on every build, and ``COPY . .`` puts it
in the image: a ``.git`` folder, a local virtual environment or a data file can add hundreds
of megabytes, leak secrets, and any change to them invalidates the layer cache.

## Example
```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY . .
```
with ``.git/``, ``.venv/`` and ``__pycache__/`` in the context.

## Use instead
A ``.dockerignore`` beside the Dockerfile:
```
# added by slimfix
# version control metadata
.git
# Python virtual environment (has pyvenv.cfg)
.venv
# Python bytecode
**/__pycache__
```

## Fix safety
Never a line that would leave out a path a COPY/ADD source or bind mount names or a file a
recognised dependency install reads.  Safe when no source sends the whole context (the
excluded paths never reach the image), and for whole-context sources (``COPY . DEST``) for
what an image cannot sensibly depend on: VCS data (unless a RUN uses git or the project takes
its version from VCS), virtual environments, bytecode, ``node_modules`` the image installs
itself, caches, editor files and OS litter.  Unsafe with a whole-context source for build
output, secret-looking files and large files, which the image may read at run time; these are
never proposed when an install step may read files slimfix cannot see.  Nothing is proposed
when a source path holds an unknown variable.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from slimfix.context_fix import NeedsScan, ignore_file_for, needs_of, size_text, summary
from slimfix.dockerignore import DockerignoreError
from slimfix.engine import Context, Diagnostic

CODE = "SF001"
_SHOWN = 5


def check(ctx: Context) -> Iterator[Diagnostic]:
    root = ctx.settings.context
    if root is None or not os.path.isdir(root):
        return
    # what the file reads from the context, read a window at a time; reported in the last
    scan = ctx.carry.get("scan")
    if scan is None:
        scan = ctx.carry["scan"] = NeedsScan(ctx.df, Path(root))
    scan.add(ctx.stages)
    if not ctx.last:
        return
    anchor = scan.first_reader()
    if anchor is None:
        return  # the build reads nothing from the context
    ignore = ignore_file_for(Path(root), ctx.path)
    try:
        found = summary(Path(root), ignore, needs_of(ctx.df, Path(root), scan), ctx.settings.unsafe_fixes)
    except DockerignoreError as exc:
        yield ctx.diagnostic(anchor, f"cannot extend the ignore file: {exc}")
        return
    if found is None:
        return
    plan, files, size = found
    if plan.applied:
        message = (
            f"the build context sends what the image does not need: {_names(plan.applied)}"
            f" ({size_text(files, size)}); list them in {ignore.name}"
        )
        if plan.held_back:
            message += f"; with --unsafe-fixes also: {_names(plan.held_back)}"
    else:
        message = (
            f"the build context sends what the image may not need: {_names(plan.held_back)};"
            f" --unsafe-fixes lists them in {ignore.name}"
        )
    yield ctx.diagnostic(anchor, message)


def _names(proposals) -> str:
    shown = [p.pattern for p in proposals[:_SHOWN]]
    more = len(proposals) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more else "")
