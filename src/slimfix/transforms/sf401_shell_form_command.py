"""SF401 shell-form-command

## What it does
Rewrites a shell-form ``CMD`` or ``ENTRYPOINT`` whose command line uses no shell feature into
the exec (JSON) form: ``CMD uvicorn main:app`` becomes ``CMD ["uvicorn", "main:app"]``.  A
command line with variables, operators (``&&``, ``;``, ``|``), redirections, globs, ``~``,
backslashes, subshells, ``X=Y`` prefixes or a shell builtin keeps its shell form and is only
reported.  A leading ``exec`` is dropped (``CMD exec gunicorn app`` -> ``["gunicorn", "app"]``).
``ONBUILD CMD`` is handled like ``CMD``.  Nothing happens under a ``SHELL`` that is not a POSIX
shell (PowerShell, ``cmd``) or in a Windows-style file (the escape directive set to a
backtick, a Windows base image or ``--platform=windows``).

## Why is this bad?
The shell form runs ``/bin/sh -c "<line>"``.  Unless that shell replaces itself with the
program (some shells do for a single command, others do not), the shell is PID 1
and does not pass ``SIGTERM`` on, so ``docker stop`` waits for its timeout and then kills the
program without a clean shutdown.  The exec form does not depend on the shell.

## Example
```dockerfile
CMD gunicorn --bind 0.0.0.0:8000 app:app
```

## Use instead
```dockerfile
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
```

## Fix safety
Unsafe: the program now gets signals directly and no longer sees the environment a shell
sets up (``PWD``, ``SHLVL``, ``_``).  A shell-form ``ENTRYPOINT`` ignores ``CMD``; in exec
form ``CMD`` becomes its arguments.  So an ``ENTRYPOINT`` that shares its image with a
``CMD`` (in its stage, or a stage built from it), and a ``CMD`` that an ``ENTRYPOINT`` of the
file receives as arguments, are reported with the JSON they would get but never rewritten;
so is ``ONBUILD ENTRYPOINT`` (the image built FROM this one may set a ``CMD``).
Comment lines inside the instruction's continuation move above it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from slimfix.analysis import parent_stage
from slimfix.cst import Dockerfile, Instruction, Stage
from slimfix.cst.nodes import Continuation
from slimfix.cst.semantics import parse_json
from slimfix.cst.text import go_strip
from slimfix.engine import Context, Diagnostic, Safety
from slimfix.shell import TextEdit, Word, script

CODE = "SF401"

POSIX_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox"})
# Words that name a shell keyword or a builtin with no program of that name on PATH.
SHELL_ONLY = frozenset(
    "! { } [[ if then else elif fi case esac for while until do done function select time "
    ". : alias break cd continue eval exit export getopts hash local read readonly return set "
    "shift source times trap type typeset ulimit umask unalias unset wait".split()
)
# Characters that mean something to the shell outside quotes (the view already rejects $ and `).
UNQUOTED_SPECIAL = frozenset("*?[]~{}\\")
WINDOWS_IMAGE_HINTS = ("windows", "nanoserver", "servercore")
ASSIGNMENT = r"[A-Za-z_][A-Za-z0-9_]*="  # compiled on first use


def check(ctx: Context) -> Iterator[Diagnostic]:
    df = ctx.df
    if df.escape == "`":  # a Windows-style file: the default shell there is cmd
        return
    images = ctx.carry.get("images")
    if images is None:
        images = ctx.carry["images"] = _images(df)
    shells: dict[int, tuple[str, ...]] = ctx.carry.setdefault("shells", {})  # id(stage) -> the SHELL at its end
    windows: dict[int, bool] = ctx.carry.setdefault("windows", {})  # id(stage) -> a Windows image
    for stage in ctx.stages:
        if stage.index < 0:
            continue
        parent = parent_stage(df, stage)
        shell = shells[id(parent)] if parent is not None else ()
        windows[id(stage)] = _windows(stage, windows[id(parent)] if parent is not None else None)
        for instr in stage.instructions:
            sem = instr.sem.command
            if sem.keyword == "SHELL" and instr.sem.inner is None and sem.json:
                shell = sem.value
            if windows[id(stage)] or sem.keyword not in ("CMD", "ENTRYPOINT") or sem.json or not sem.args or sem.flags:
                continue  # with --flags BuildKit refuses the instruction anyway
            if shell and _basename(shell[0]) not in POSIX_SHELLS:
                continue
            yield _diagnose(ctx, instr, images, shell[0] if shell else "/bin/sh")
        shells[id(stage)] = shell


def _diagnose(ctx: Context, instr: Instruction, images: dict[int, Instruction], shell: str) -> Diagnostic:
    sem = instr.sem.command
    kw = sem.keyword
    start = sem.to_text(sem.args_start)
    end = sem.to_text(sem.args_start + len(sem.args), end=True)
    at = (start, end)
    argv, reason = exec_argv(instr)
    signals = (
        f"shell-form {kw} runs `{_short(sem.args)}` under {shell} -c, where it may run as a "
        "child of a shell that does not pass SIGTERM on"
    )
    if argv is None:
        return ctx.diagnostic(instr, f"{signals}; it uses {reason}, which needs the shell, so slimfix leaves it", at=at)
    import json  # only to write an exec form: not loaded at start-up

    text = json.dumps(argv, ensure_ascii=False)
    if parse_json(text) != argv:  # never write JSON that BuildKit would read differently
        return ctx.diagnostic(
            instr, f"{signals}; its exec form does not read back as the same arguments, so it stays", at=at
        )
    edits = [TextEdit(start, end, text)]
    moved = _inner_comments(instr)
    if moved:
        edits.append(TextEdit(0, 0, moved))
    title = f"Use exec form: {kw} {text}"
    paired = images.get(id(instr))
    if instr.sem.inner is not None and kw == "ENTRYPOINT":
        why = "an image built FROM this one may set a CMD, which the exec form would pass to it as arguments"
        return ctx.diagnostic(
            instr, f"{signals}; {kw} {text} would fix that, but {why}", edits, Safety.DISPLAY_ONLY, title, at
        )
    if paired is not None:
        line = ctx.df.lines_of(paired)[0]
        if kw == "ENTRYPOINT":
            why = f"the CMD on line {line} is ignored by a shell-form ENTRYPOINT and would become its arguments"
        else:
            why = (
                f"the ENTRYPOINT on line {line} would receive these words instead of `/bin/sh -c ...` as its arguments"
            )
        return ctx.diagnostic(
            instr,
            f"{signals}; {kw} {text} would fix that, but {why}: convert both by hand",
            edits,
            Safety.DISPLAY_ONLY,
            title,
            at,
        )
    note = "; the comments inside it move above it" if moved else ""
    return ctx.diagnostic(
        instr,
        f"{signals}; rewrites it as {kw} {text} so the program runs as PID 1{note}",
        edits,
        Safety.UNSAFE,
        title,
        at,
    )


def exec_argv(instr: Instruction) -> tuple[list[str] | None, str]:
    """The argv a shell-form CMD/ENTRYPOINT runs when no shell feature is involved.

    Returns ``(argv, "")`` or ``(None, reason)``.
    """
    scr = script(instr)
    if scr is None:
        return None, "no command"
    if any(c in instr.sem.command.args for c in "\v\f\r"):  # sh does not split on these
        return None, "a vertical tab, form feed or carriage return"
    if "\x00" in instr.sem.command.args:  # no program can receive it as an argument
        return None, "a NUL character"
    if scr.opaque:
        return None, scr.opaque[0]
    if scr.ops or len(scr.commands) != 1:
        return None, "shell operators"
    cmd = scr.commands[0]
    if cmd.redirects:
        return None, "a redirection"
    if cmd.depth:
        return None, "a compound command"
    words = list(cmd.words)
    if not _covers(instr.sem.command.args, words):
        return None, "shell syntax"
    for word in words:
        reason = _shell_feature(word)
        if reason:
            return None, reason
    if "=" in words[0].text and re.match(ASSIGNMENT, words[0].text):
        return None, f"a variable assignment ({words[0].raw})"
    if words[0].text == "exec" and len(words) > 1 and not words[1].text.startswith("-"):
        words = words[1:]
    if words[0].text in SHELL_ONLY:
        return None, f"the shell builtin `{words[0].text}`"
    return [w.text for w in words], ""


def _shell_feature(word: Word) -> str | None:
    """What in a word needs a shell, or None when its value is the same without one."""
    if word.value is None:
        return f"an expansion ({word.raw})"
    quote = ""
    for ch in word.raw:
        if quote:
            if ch == quote:
                quote = ""
            elif quote == '"' and ch == "\\":
                return f"a backslash ({word.raw})"
        elif ch in "'\"":
            quote = ch
        elif ch in UNQUOTED_SPECIAL:
            what = {"\\": "a backslash", "~": "a tilde", "{": "braces", "}": "braces"}.get(ch, "a glob")
            return f"{what} ({word.raw})"
    return None


def _covers(args: str, words: list[Word]) -> bool:
    """True when the words, in order, are all there is in ``args`` besides blanks."""
    pos = 0
    for word in words:
        found = args.find(word.raw, pos)
        if found < 0 or go_strip(args[pos:found]):
            return False
        pos = found + len(word.raw)
    return not go_strip(args[pos:])


def _inner_comments(instr: Instruction) -> str:
    """The comment lines inside the instruction's continuations, as whole lines."""
    out: list[str] = []
    for part in instr.parts:
        if isinstance(part, Continuation):
            for line in part.inner:
                if line.is_comment:
                    out.append(instr.indent + line.text.lstrip(" \t") + (line.newline or "\n"))
    return "".join(out)


def _images(df: Dockerfile) -> dict[int, Instruction]:
    """Each shell-form CMD/ENTRYPOINT that shares its image with the other, mapped to it.

    Follows BuildKit: ENTRYPOINT clears the inherited CMD unless the stage sets CMD itself;
    a stage built FROM another stage of the file inherits both.
    """
    configs: dict[str, tuple[Instruction | None, Instruction | None]] = {}
    paired: dict[int, Instruction] = {}
    for stage in df.stages:
        if stage.index < 0:
            continue
        parent = parent_stage(df, stage)
        entry, cmd = configs.get(parent.name or "", (None, None)) if parent else (None, None)
        cmd_set = False
        for instr in stage.instructions:
            if instr.name == "CMD":
                cmd, cmd_set = instr, True
            elif instr.name == "ENTRYPOINT":
                entry = instr
                cmd = cmd if cmd_set else None
        if stage.name:
            configs[stage.name] = (entry, cmd)
        if entry is not None and cmd is not None:
            paired.setdefault(id(entry), cmd)
            paired.setdefault(id(cmd), entry)
        for instr in stage.instructions:  # an ONBUILD CMD meets the ENTRYPOINT this image has
            if instr.name == "ONBUILD" and instr.sem.command.keyword == "CMD" and entry is not None:
                paired.setdefault(id(instr), entry)
    return paired


def _windows(stage: Stage, parent: bool | None) -> bool:
    """A Windows image: its FROM or the one of a stage it is built FROM (``parent``: whether
    that one is) says ``--platform=windows``, or the image it starts from has a Windows name."""
    f = stage.from_
    platform = f.sem.flag("platform") if f is not None else None
    if platform is not None and (platform.value or "").lower().startswith("windows"):
        return True
    if parent is not None:
        return parent
    return any(hint in (stage.base or "").lower() for hint in WINDOWS_IMAGE_HINTS)


def _basename(program: str) -> str:
    name = program.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return name.removesuffix(".exe")


def _short(args: str, limit: int = 48) -> str:
    return args if len(args) <= limit else args[: limit - 3] + "..."
