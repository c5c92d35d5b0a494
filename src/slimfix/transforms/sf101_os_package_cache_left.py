"""SF101 os-package-cache-left

## What it does
Checks every RUN (ONBUILD RUN too) that installs system packages:

- apt-get/apt: ``apt-get update`` belongs in the same RUN as ``apt-get install`` (an update in an
  earlier RUN is reported); ``install`` gets ``-y`` and ``--no-install-recommends``; a RUN that
  updates and installs ends with ``rm -rf /var/lib/apt/lists/*`` (an ``apt-get clean`` the author
  wrote stays);
- apk: ``apk add`` gets ``--no-cache``; a RUN with ``apk update`` ends with
  ``rm -rf /var/cache/apk/*``;
- dnf/yum/microdnf: ``install`` gets ``-y`` (dnf, yum) and the RUN ends with ``<tool> clean all``
  and, for dnf and yum, the removal of ``/var/cache/dnf`` or ``/var/cache/yum``;
- zypper: the RUN ends with ``zypper clean --all``.

Nothing is reported for a folder a cache or tmpfs mount covers
(``RUN --mount=type=cache,target=/var/lib/apt/lists``), nor, when the stage's cache policy is
``mounts``, for a cleanup that SF103 replaces with a cache mount.  ``-o
APT::Install-Recommends=false`` counts as ``--no-install-recommends``, as in hadolint.

## Why is this bad?
Package lists and caches are written into the layer of the RUN that downloads them; a later RUN
cannot take them out of the image.  Debian's package lists alone are 15-50 MB.  An ``apt-get
update`` in its own RUN is cached by the builder independently of the install that follows, so
a changed install line runs against stale lists.  Without ``-y`` an install waits for an answer
no one gives, and the build fails.

## Example
```dockerfile
RUN apt-get update && apt-get install curl
```

## Use instead
```dockerfile
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
```

## Fix safety
- ``-y`` is safe: without it the install aborts in a non-interactive build.
- Removing the lists, ``apk --no-cache``, ``clean all`` and ``zypper clean`` are safe: a later
  command that needs them downloads them again.  The list removal is unsafe when a later RUN of
  the same image installs with apt without its own ``apt-get update``, since it relies on them.
- ``--no-install-recommends`` is unsafe: the image may need a recommended package.
- The stale ``apt-get update`` is reported only: merging two RUNs changes the layers.
- Nothing is fixed inside a ``sh -c`` string, a command line with a shell comment, or a
  here-document the view cannot map back line for line (``slimfix.heredocs``): the shell-word
  view cannot place an edit there for sure, so slimfix only reports.
"""

from __future__ import annotations

from collections.abc import Iterator

from slimfix import packagers as pk
from slimfix.engine import Context, Diagnostic, Safety
from slimfix.shell import Script, TextEdit, insert_after_word

CODE = "SF101"

_YES = ("-y", "--yes", "--assume-yes", "-qq")
_BOOL_FLAGS = frozenset({"-y", "-q", "-qq", "-yq", "-qy", "-qqy", "-yqq", "--yes", "--assume-yes", "--quiet",
                         "--no-install-suggests", "--no-install-recommends"})
_CLEAN = {"dnf": "/var/cache/dnf", "yum": "/var/cache/yum", "microdnf": None}
_TOOLS = frozenset({"apt", "apk", "dnf", "yum", "microdnf", "zypper"})


def check(ctx: Context) -> Iterator[Diagnostic]:
    for instr, scr in pk.run_scripts(ctx):
        yield from pk.diagnostics(ctx, instr, scr, _findings)


def _findings(ctx: Context, instr, scr: Script) -> Iterator[pk.Finding]:
    by_tool: dict[str, list[pk.Call]] = {}
    for call in pk.calls(scr):
        by_tool.setdefault(call.tool, []).append(call)
    if not by_tool.keys() & _TOOLS:
        return  # most RUNs: no system package manager (each check below finds nothing without calls)
    yield from _apt(ctx, instr, scr, by_tool.get("apt", []))
    yield from _apk(ctx, instr, scr, by_tool.get("apk", []))
    for tool in ("dnf", "yum", "microdnf"):
        yield from _dnf(ctx, instr, scr, tool, by_tool.get(tool, []))
    yield from _zypper(ctx, instr, scr, by_tool.get("zypper", []))


def _at(call: pk.Call) -> tuple[int, int]:
    return (call.cmd.start, call.cmd.end)


def _apt(ctx: Context, instr, scr: Script, apt: list[pk.Call]) -> Iterator[pk.Finding]:
    installs = [c for c in apt if c.action == "install"]
    if not installs:
        return
    updates = [c for c in apt if c.action == "update"]
    if not updates or updates[0].index > installs[0].index:
        earlier = pk.earlier_apt_update(ctx.df, instr)
        if earlier is not None:
            prog = installs[0].cmd.program
            yield (
                (f"{prog} install runs without {prog} update in the same RUN; the update on line {earlier} "
                "is a separate layer the builder caches, so this install can run against stale package lists "
                "(move the update into this RUN)"),
                _at(installs[0]), None, Safety.DISPLAY_ONLY,
            )
    for call in installs:
        if not call.cmd.has_flag(*_YES) and not _option(call, "APT::Get::Assume-Yes"):
            yield (
                f"{call.cmd.program} install has no -y, so it waits for an answer and the build fails; adds -y",
                _at(call), insert_after_word(call.verb, "-y"), Safety.SAFE,
            )
        if not call.cmd.has_flag("--no-install-recommends", "--install-recommends") and not _option(
            call, "APT::Install-Recommends"
        ):
            yield (
                (f"{call.cmd.program} install also installs recommended packages the image may not need; "
                "adds --no-install-recommends (unsafe: the image may rely on a recommended package)"),
                _at(call), insert_after_word(_flags_end(call), "--no-install-recommends"), Safety.UNSAFE,
            )
    if not updates or pk.covered(instr, pk.APT_LISTS) or pk.mounts_handle(ctx.settings, ctx.df, instr, "apt"):
        return
    last = installs[-1]
    if any(pk.removes(c, pk.APT_LISTS) or _distclean(c) for c in pk.following(scr, last)):
        return
    relies = pk.later_apt_install_without_update(ctx.df, instr)
    edit = pk.append(instr, scr, ["rm -rf /var/lib/apt/lists/*"], ctx.df.newline)
    message = f"{updates[0].cmd.program} update leaves the package lists (/var/lib/apt/lists) in this layer"
    if edit is None:
        message += "; add rm -rf /var/lib/apt/lists/* at the end of this RUN (slimfix cannot place it here)"
        safety = Safety.DISPLAY_ONLY
    elif relies is not None:
        message += (f"; appends rm -rf /var/lib/apt/lists/* (unsafe: the apt install on line {relies} "
                    "has no update of its own and relies on these lists)")
        safety = Safety.UNSAFE
    else:
        message += "; appends rm -rf /var/lib/apt/lists/* to this RUN"
        safety = Safety.SAFE
    yield message, _at(last), edit, safety


def _option(call: pk.Call, name: str) -> bool:
    return any(a.lower().startswith(name.lower()) or a.lower().startswith("-o" + name.lower()) for a in call.cmd.args)


def _flags_end(call: pk.Call):
    """The last of the flag words right after ``install`` that take no value (``-y``, ``-q``)."""
    argv = call.cmd.argv
    k = argv.index(call.verb)
    while k + 1 < len(argv) and argv[k + 1].text in _BOOL_FLAGS:
        k += 1
    return argv[k]


def _distclean(cmd) -> bool:
    return cmd.program in ("apt-get", "apt") and cmd.subcommand() in ("distclean", "dist-clean")


def _apk(ctx: Context, instr, scr: Script, apk: list[pk.Call]) -> Iterator[pk.Finding]:
    if not apk or pk.covered(instr, "/var/cache/apk") or pk.mounts_handle(ctx.settings, ctx.df, instr, "apk"):
        return
    for call in apk:
        if call.action == "add" and not call.cmd.has_flag("--no-cache"):
            if any(pk.removes(c, "/var/cache/apk") for c in pk.following(scr, call)):
                continue
            yield (
                "apk add stores the package index in /var/cache/apk in this layer; adds --no-cache",
                _at(call), insert_after_word(call.verb, "--no-cache"), Safety.SAFE,
            )
    updates = [c for c in apk if c.action == "update"]
    if updates and not any(pk.removes(c, "/var/cache/apk") for c in pk.following(scr, updates[-1])):
        edit = pk.append(instr, scr, ["rm -rf /var/cache/apk/*"], ctx.df.newline)
        yield _cleanup("apk update leaves the package index in /var/cache/apk in this layer",
                       "rm -rf /var/cache/apk/*", updates[-1], edit)


def _dnf(ctx: Context, instr, scr: Script, tool: str, found: list[pk.Call]) -> Iterator[pk.Finding]:
    installs = [c for c in found if c.installs]
    if not installs:
        return
    if tool != "microdnf":
        for call in installs:
            if not call.cmd.has_flag("-y", "--assumeyes"):
                yield (
                    f"{tool} {call.action} has no -y, so it asks for confirmation and the build fails; adds -y",
                    _at(call), insert_after_word(call.verb, "-y"), Safety.SAFE,
                )
    folder = _CLEAN[tool] or "/var/cache/yum"
    if pk.covered(instr, folder) or pk.mounts_handle(ctx.settings, ctx.df, instr, tool):
        return
    last = installs[-1]
    rest = pk.following(scr, last)
    if any(c.program == tool and "clean" in c.args and "all" in c.args or pk.removes(c, folder) for c in rest):
        return
    commands = [f"{tool} clean all"] + ([f"rm -rf {_CLEAN[tool]}"] if _CLEAN[tool] else [])
    edit = pk.append(instr, scr, commands, ctx.df.newline)
    yield _cleanup(f"{tool} {last.action} leaves package metadata in {folder} in this layer",
                   " && ".join(commands), last, edit)


def _zypper(ctx: Context, instr, scr: Script, found: list[pk.Call]) -> Iterator[pk.Finding]:
    installs = [c for c in found if c.installs]
    if not installs or pk.covered(instr, "/var/cache/zypp"):
        return
    last = installs[-1]
    if any(c.program == "zypper" and c.subcommand() in ("clean", "cc") for c in pk.following(scr, last)):
        return
    edit = pk.append(instr, scr, ["zypper clean --all"], ctx.df.newline)
    yield _cleanup(f"zypper {last.action} leaves packages and metadata in /var/cache/zypp in this layer",
                   "zypper clean --all", last, edit)


def _cleanup(found: str, command: str, call: pk.Call, edit: TextEdit | None) -> pk.Finding:
    if edit is None:
        return (f"{found}; add {command} at the end of this RUN (slimfix cannot place it here)",
                _at(call), None, Safety.DISPLAY_ONLY)
    return f"{found}; appends {command} to this RUN", _at(call), edit, Safety.SAFE
