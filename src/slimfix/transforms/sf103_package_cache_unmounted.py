"""SF103 package-cache-unmounted

## What it does
Only in a stage whose cache policy is ``mounts`` (``--cache=mounts``, or per stage with
``--cache-stage=builder:mounts``; the default policy ``clean`` leaves this code silent): gives a
RUN that installs packages a BuildKit cache mount for the package manager's cache, instead of the
cleanup flags SF101 and SF102 add under ``clean``:

- pip: ``--mount=type=cache,target=/root/.cache/pip``; uv: ``/root/.cache/uv``; npm:
  ``/root/.npm``; yarn: ``/usr/local/share/.cache/yarn``;
- apt: ``/var/cache/apt`` and, when the RUN runs ``apt-get update`` itself and no later RUN
  relies on the lists, ``/var/lib/apt/lists``, both ``sharing=locked``; the image's
  ``docker-clean`` hook, which deletes downloaded packages, is disabled by a RUN inserted before
  the first such RUN of the stage (unless one already does it);
- apk: ``/var/cache/apk``; dnf: ``/var/cache/dnf``; yum: ``/var/cache/yum`` (``sharing=locked``);
- ``# syntax=docker/dockerfile:1`` at the top of the file when it has no ``syntax`` directive.

It never removes what the author wrote: where a command already turns its cache off
(``--no-cache-dir``, ``PIP_NO_CACHE_DIR``, ``apk add --no-cache``, a cleanup after the install)
a mount would stay empty, so slimfix reports it and leaves the choice to the author.  The home
caches (pip, uv, npm, yarn) are mounted only for root, the one user whose home slimfix knows.

## Why is this bad?
A cache mount keeps downloads out of the image, like the cleanup flags, and also keeps them
between builds: a rebuild after a requirements change downloads only what changed.

## Example
```dockerfile
FROM python:3.12 AS builder
RUN pip install -r requirements.txt
```

## Use instead
```dockerfile
# syntax=docker/dockerfile:1
FROM python:3.12 AS builder
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
```

## Fix safety
Unsafe.  The packages installed are the same, and the caches are left out of the image as with
the cleanup flags, but the build itself changes:
- ``RUN --mount`` needs BuildKit: the legacy builder (``DOCKER_BUILDKIT=0``) rejects the file;
- ``# syntax=docker/dockerfile:1`` switches every build to a frontend image pulled from Docker
  Hub (offline and mirrored builds must reach it) and floats with each 1.x release;
- for apt, disabling ``docker-clean`` is a change to the image: later ``apt-get install`` runs
  without a cache mount (in this image or in images built from it) keep their ``.deb`` files;
- a cache shared between builds can serve another build's lists and packages, which is what it
  is for, but no longer the freshly downloaded ones.
"""

from __future__ import annotations

from collections.abc import Iterator

from slimfix import packagers as pk
from slimfix.engine import Context, Diagnostic, Edit, Safety
from slimfix.shell import Script, TextEdit

CODE = "SF103"

SYNTAX = "# syntax=docker/dockerfile:1"
_NOTE = " (unsafe: the build then needs BuildKit)"


def check(ctx: Context) -> Iterator[Diagnostic]:
    df = ctx.df
    hooked: set[int] = set()  # stages that get the docker-clean RUN in this pass
    for instr, scr in pk.run_scripts(ctx):
        if pk.policy(ctx.settings, df, instr) != "mounts":
            continue
        for inner in pk.heredoc_scripts(instr, scr):
            if any(c.installs and c.tool in pk.MOUNT_TARGETS for c in pk.calls(inner)):
                yield ctx.diagnostic(
                    instr,
                    "this here-document installs packages; this stage's cache policy is mounts, so add a "
                    "--mount=type=cache for the package manager's cache to this RUN (slimfix does not read "
                    "here-documents closely enough to add it)",
                    safety=Safety.DISPLAY_ONLY,
                )
        flags, found, reports = _plan(ctx, instr, scr)
        tools = list(dict.fromkeys(call.tool for call in found))
        for message, call in reports:
            yield ctx.diagnostic(instr, message, at=(call.cmd.start, call.cmd.end))
        if not flags:
            continue
        sem = instr.sem.command
        at = sem.to_text(sem.args_start)
        file_edits = []
        if "apt" in tools and not pk.docker_clean_removed(df, instr) and id(df.stage_of(instr)) not in hooked:
            hooked.add(id(df.stage_of(instr)))
            # above the RUN's comments, so a pragma there stays on the RUN it was written for
            file_edits.append(ctx.insert_before(instr, _hook_run(instr) + df.newline, above_comments=True))
        message = (
            f"{' and '.join(tools)} {'downloads' if len(tools) == 1 else 'download'} into this layer "
            "in a stage whose cache policy is mounts; "
            f"adds {' '.join(flags)}"
            + (" and a RUN that disables the docker-clean hook before it" if file_edits else "")
            + _NOTE
        )
        yield ctx.diagnostic(
            instr, message, edits=[TextEdit(at, at, " ".join(flags) + " ")], safety=Safety.UNSAFE,
            at=(found[0].cmd.start, found[0].cmd.end), file_edits=file_edits,
        )
    # once a mount is in the file (the next pass, after the fix above), name the frontend
    if ctx.last and "syntax" not in df.directives and _uses_mounts(ctx):
        start = len(df.header.bom)
        yield ctx.diagnostic(
            df.instructions[0],
            f"the file uses RUN --mount but names no Dockerfile frontend; adds '{SYNTAX}' at the top "
            "(unsafe: every build then pulls that frontend image)",
            safety=Safety.UNSAFE,
            at=(0, 0),
            file_edits=[Edit(start, start, SYNTAX + df.newline)],
        )


def _plan(ctx: Context, instr, scr: Script) -> tuple[list[str], list[pk.Call], list[tuple[str, pk.Call]]]:
    """The mount flags to add, what they are for, and the installs reported without a fix."""
    df = ctx.df
    flags: list[str] = []
    found: list[pk.Call] = []
    reports: list[tuple[str, pk.Call]] = []
    for call in pk.calls(scr):
        tool = call.tool
        if not call.installs or tool not in pk.MOUNT_TARGETS:
            continue
        targets = [t for t in _targets(df, instr, scr, call) if not pk.covered(instr, t)]
        if not targets:
            continue
        if tool in pk.HOME_CACHES and not pk.runs_as_root(df, instr):
            reports.append(((f"{tool} runs as a non-root USER here; slimfix knows only root's cache folder, "
                            "so add a cache mount for this user's cache yourself"), call))
            continue
        off = _cache_off(df, instr, scr, call)
        if off:
            reports.append(((f"{off}, so a cache mount would stay empty; this stage's cache policy is mounts: "
                            "remove it if you want slimfix to add a cache mount"), call))
            continue
        if scr.opaque:
            reports.append(((f"{tool} in a stage whose cache policy is mounts, but the command line holds "
                            f"{scr.opaque[0]}; add the cache mount yourself"), call))
            continue
        for target in targets:
            flag = pk.mount_flag(tool, target)
            if flag not in flags:
                flags.append(flag)
        found.append(call)
    return flags, found, reports


def _targets(df, instr, scr: Script, call: pk.Call) -> tuple[str, ...]:
    if call.tool != "apt":
        return pk.MOUNT_TARGETS[call.tool]
    apt = [c for c in pk.calls(scr) if c.tool == "apt"]
    if pk.updates_first(apt) and pk.later_apt_install_without_update(df, instr) is None:
        return pk.MOUNT_TARGETS["apt"]
    return ("/var/cache/apt",)  # the lists of an earlier update stay in the image, where later RUNs read them


def _cache_off(df, instr, scr: Script, call: pk.Call) -> str | None:
    """What in the command already turns ``call``'s cache off or removes it, if anything."""
    cmd, tool, rest = call.cmd, call.tool, pk.following(scr, call)
    if tool == "pip" and cmd.has_flag("--no-cache-dir"):
        return "pip install has --no-cache-dir"
    if tool == "uv" and cmd.has_flag("--no-cache", "-n"):
        return "uv pip install has --no-cache"
    if tool == "apk" and cmd.has_flag("--no-cache"):
        return "apk add has --no-cache"
    variable = {"pip": "pip_no_cache_dir", "uv": "uv_no_cache", "npm": "npm_config_cache"}.get(tool)
    if variable and (pk.env_sets(df, instr, variable) or any(pk.inline_env(scr, call, n) for n in (variable, variable.upper()))):
        return f"{variable.upper() if tool != 'npm' else variable} is set"
    for other in rest:
        if tool in ("npm", "yarn") and other.program == tool and other.args[1:3] == ("cache", "clean"):
            return f"{tool} cache clean follows the install"
        if tool == "apt" and (pk.removes(other, pk.APT_LISTS) or (other.program in ("apt-get", "apt") and other.subcommand() == "clean")):
            return "the RUN removes apt's lists or cache after the install"
        if tool in ("dnf", "yum") and other.program == tool and "clean" in other.args:
            return f"{tool} clean follows the install"
        if any(pk.removes(other, t) for t in pk.MOUNT_TARGETS[tool]):
            return f"the RUN removes {tool}'s cache after the install"
    return None


def _hook_run(instr) -> str:
    """``RUN <disable docker-clean>`` written like ``instr`` (indent, keyword case, ONBUILD)."""
    if instr.name == "ONBUILD":
        inner = instr.sem.line[len(instr.keyword) :].split(None, 1)[0]
        keyword = f"{instr.keyword} {inner}"
    else:
        keyword = instr.keyword
    return f"{instr.indent}{keyword} {pk.KEEP_CACHE}"


def _uses_mounts(ctx: Context) -> bool:
    df = ctx.df
    return any(
        pk.policy(ctx.settings, df, i) == "mounts" and i.sem.command.keyword == "RUN" and pk.mounts(i)
        for i in df.instructions
    )
