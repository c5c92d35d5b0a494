"""SF102 language-package-cache-left

## What it does
Checks every RUN (ONBUILD RUN too) that installs language packages:

- ``pip``, ``pip3``, ``python -m pip``, ``python3 -m pip`` install: adds ``--no-cache-dir``;
- ``uv pip install``: adds ``--no-cache``;
- ``npm ci``/``npm install``: appends ``npm cache clean --force`` to the RUN;
- ``yarn``/``yarn install``/``yarn add``: appends ``yarn cache clean``;
- ``composer install``/``require``/``update``: appends ``composer clear-cache``;
- ``gem install``: adds ``--no-document`` and appends the removal of the downloaded ``.gem``
  files;
- ``poetry install``/``add``/``sync``/``update``: appends the removal of Poetry's download
  caches, ``/root/.cache/pypoetry/cache`` and ``/root/.cache/pypoetry/artifacts`` (not the
  whole folder: Poetry's virtual environments live in ``virtualenvs/`` beside them).

Nothing is reported when the cache is already off or elsewhere: the flag is there, the cleanup
follows the install, ``PIP_NO_CACHE_DIR``, ``UV_NO_CACHE``, ``npm_config_cache`` or
``POETRY_CACHE_DIR`` is set (by an
ENV of the stage or of a stage it is built from, an ARG with a default, ``export`` or an inline
assignment), a cache or tmpfs mount holds the cache folder, or the stage's cache policy is
``mounts`` and SF103 puts the cache on a mount instead.

## Why is this bad?
Package managers keep every download in a cache under the home folder (``/root/.cache/pip``,
``/root/.npm``, ...).  In an image that cache is never read again, yet it ships in the layer:
often as large as the packages themselves.

## Example
```dockerfile
RUN pip install -r requirements.txt
```

## Use instead
```dockerfile
RUN pip install --no-cache-dir -r requirements.txt
```

## Fix safety
- ``--no-cache-dir``, ``uv --no-cache``, ``npm cache clean --force``, ``composer clear-cache``
  and removing Poetry's ``cache``/``artifacts`` folders are safe: they change where downloads
  go, not what is installed.  Poetry's folders are only removed where the command runs as root
  with no ``XDG_CACHE_HOME`` set (elsewhere they are not under ``/root/.cache``): there slimfix
  only reports.
- ``yarn cache clean`` is unsafe: with Yarn 2+ Plug'n'Play the cache *is* the installed
  packages, and the Dockerfile does not say which Yarn runs.
- ``gem install --no-document`` and removing the ``.gem`` files are unsafe: ``ri`` loses its
  documentation and ``gem pristine`` needs the files.
- Nothing is fixed on a command line the shell-word view does not fully understand (a shell
  comment, ``sh -c``), or in a here-document it cannot map back line for line
  (``slimfix.heredocs``): there slimfix only reports.
"""

from __future__ import annotations

from collections.abc import Iterator

from slimfix import packagers as pk
from slimfix.engine import Context, Diagnostic, Safety
from slimfix.shell import Script, insert_after_word

CODE = "SF102"

_GEM_CACHE = 'rm -rf "$(gem env gemdir)"/cache/*.gem'
_POETRY_HOME = "/root/.cache/pypoetry"
_POETRY_CACHE = f"rm -rf {_POETRY_HOME}/cache {_POETRY_HOME}/artifacts"


def check(ctx: Context) -> Iterator[Diagnostic]:
    for instr, scr in pk.run_scripts(ctx):
        yield from pk.diagnostics(ctx, instr, scr, _findings)


def _findings(ctx: Context, instr, scr: Script) -> Iterator[pk.Finding]:
    installs = [c for c in pk.calls(scr) if c.installs]
    if not installs:
        return  # most RUNs
    open_ = [c for c in installs if not _handled(ctx, instr, scr, c)]  # caches still to deal with
    for call in open_:
        if call.tool == "pip" and not call.cmd.has_flag("--no-cache-dir", "--cache-dir"):
            yield (
                f"{_name(call)} install keeps its download cache (~/.cache/pip) in the layer; adds --no-cache-dir",
                _at(call), insert_after_word(call.verb, "--no-cache-dir"), Safety.SAFE,
            )
        elif call.tool == "uv" and not call.cmd.has_flag("--no-cache", "-n", "--cache-dir"):
            yield (
                "uv pip install keeps its cache (~/.cache/uv) in the layer; adds --no-cache",
                _at(call), insert_after_word(call.verb, "--no-cache"), Safety.SAFE,
            )
        elif call.tool == "gem" and not call.cmd.has_flag("--no-document", "-N", "--no-rdoc", "--no-ri"):
            yield (
                ("gem install generates rdoc/ri documentation into the image; adds --no-document "
                "(unsafe: ri loses the documentation)"),
                _at(call), insert_after_word(call.verb, "--no-document"), Safety.UNSAFE,
            )
    for tool in ("npm", "yarn", "composer", "gem", "poetry"):
        mine = [c for c in open_ if c.tool == tool]
        if mine and not _cleaned(scr, mine[-1]):
            yield _cleanup(ctx, instr, scr, mine[-1])


def _handled(ctx: Context, instr, scr: Script, call: pk.Call) -> bool:
    """The cache of ``call`` is already off, elsewhere, or SF103's business."""
    variable = {
        "pip": "pip_no_cache_dir", "uv": "uv_no_cache", "npm": "npm_config_cache", "poetry": "poetry_cache_dir",
    }.get(call.tool)
    if variable and (pk.env_sets(ctx.df, instr, variable) or any(pk.inline_env(scr, call, n) for n in (variable, variable.upper()))):
        return True
    if call.tool == "npm" and call.cmd.has_flag("--cache"):
        return True
    if call.tool == "composer" and call.cmd.has_flag("--no-cache"):
        return True
    cache = f"{_POETRY_HOME}/artifacts" if call.tool == "poetry" else pk.MOUNT_TARGETS.get(call.tool, ("",))[0]
    if pk.covered(instr, cache, marker=call.tool):
        return True
    return pk.mounts_handle(ctx.settings, ctx.df, instr, call.tool)


def _cleaned(scr: Script, call: pk.Call) -> bool:
    for cmd in pk.following(scr, call):
        if call.tool == "npm" and cmd.program == "npm" and cmd.args[1:3] == ("cache", "clean"):
            return True
        if call.tool == "yarn" and cmd.program == "yarn" and cmd.args[1:3] == ("cache", "clean"):
            return True
        if call.tool == "composer" and cmd.program == "composer" and cmd.subcommand() in ("clear-cache", "clearcache", "cc"):
            return True
        if call.tool == "poetry" and (
            cmd.program == "poetry" and cmd.subcommand() == "cache" or any("pypoetry" in w.raw for w in cmd.argv[1:])
        ):
            return True
        if call.tool == "gem" and cmd.program == "rm" and any("cache" in w.raw for w in cmd.argv[1:]) and any(
            "gem" in w.raw or "bundle" in w.raw for w in cmd.argv[1:]
        ):
            return True
    return False


def _cleanup(ctx: Context, instr, scr: Script, call: pk.Call) -> pk.Finding:
    command, found, safety = {
        "npm": ("npm cache clean --force", "npm keeps its download cache (~/.npm) in the layer", Safety.SAFE),
        "yarn": ("yarn cache clean", "yarn keeps its package cache in the layer", Safety.UNSAFE),
        "composer": ("composer clear-cache", "composer keeps its download cache in the layer", Safety.SAFE),
        "gem": (_GEM_CACHE, "gem install keeps the downloaded .gem files in the layer", Safety.UNSAFE),
        "poetry": (_POETRY_CACHE, "poetry keeps its downloads (~/.cache/pypoetry) in the layer", Safety.SAFE),
    }[call.tool]
    if call.tool == "poetry" and not _poetry_cache_known(ctx, instr, scr, call):
        return (f"{found}; remove its cache and artifacts folders at the end of this RUN "
                "(slimfix does not know where they are for this user)", _at(call), None, Safety.DISPLAY_ONLY)
    edit = pk.append(instr, scr, [command], ctx.df.newline)
    why = {
        "yarn": " (unsafe: with Yarn 2+ Plug'n'Play the cache holds the installed packages)",
        "gem": " (unsafe: gem pristine needs the .gem files)",
    }.get(call.tool, "")
    if edit is None:
        return (f"{found}; add {command} at the end of this RUN (slimfix cannot place it here)",
                _at(call), None, Safety.DISPLAY_ONLY)
    return f"{found}; appends {command} to this RUN{why}", _at(call), edit, safety


def _poetry_cache_known(ctx: Context, instr, scr: Script, call: pk.Call) -> bool:
    """Poetry's cache is in /root/.cache/pypoetry: root runs it and XDG_CACHE_HOME is unset."""
    moved = pk.env_sets(ctx.df, instr, "XDG_CACHE_HOME") or pk.inline_env(scr, call, "XDG_CACHE_HOME")
    return pk.runs_as_root(ctx.df, instr) and not moved


def _name(call: pk.Call) -> str:
    argv = call.cmd.args
    return " ".join(argv[: argv.index("pip") + 1]) if call.cmd.program.startswith("python") else call.cmd.program


def _at(call: pk.Call) -> tuple[int, int]:
    return (call.cmd.start, call.cmd.end)
