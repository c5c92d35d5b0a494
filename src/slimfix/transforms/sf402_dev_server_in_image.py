"""SF402 dev-server-in-image

## What it does
Finds development-only servers and flags in what the final image runs: ``uvicorn --reload``,
``gunicorn --reload``, ``flask run --debug`` (``--reload``, ``--debugger``),
``FLASK_DEBUG=1`` and ``FLASK_ENV=development`` (in ``ENV`` or before the command),
``npm run dev`` (also ``yarn dev``, ``pnpm dev``), ``nodemon``, and Django's
``manage.py runserver``.  Only the final stage counts, with the stages of the file it is built
FROM: a ``dev`` stage that the final image does not inherit from is left alone.  The
``CMD``/``ENTRYPOINT`` that count are the ones the final image ends with, and those of its
``ONBUILD`` triggers (they become the command of the images built FROM it).

Where a mechanical fix exists it removes the flag (with its companions such as
``--reload-dir DIR``) or sets ``FLASK_DEBUG=0`` / ``FLASK_ENV=production``; for the others it
says what to run instead.

## Why is this bad?
Reloaders watch the file system and restart the server, debuggers let anyone who reaches the
port run code, and development servers are single-process and unhardened.  None of this
belongs in an image that is deployed.

## Example
```dockerfile
CMD ["uvicorn", "main:app", "--reload", "--host", "0.0.0.0"]
```

## Use instead
```dockerfile
CMD ["uvicorn", "main:app", "--host", "0.0.0.0"]
```

## Fix safety
Unsafe: a team may run this image for development on purpose.  Display only for
``npm run dev``, ``nodemon`` and ``runserver`` (the replacement depends on the project) and
for an instruction the final stage inherits from another stage (fixing it there would change
that stage too).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from slimfix.analysis import parent_stage
from slimfix.cst import Dockerfile, Instruction, Stage
from slimfix.cst.semantics import Semantics
from slimfix.cst.text import is_go_space
from slimfix.cst.record import Frozen
from slimfix.cst.record import init_field as _set
from slimfix.engine import Context, Diagnostic, Safety
from slimfix.shell import SHELLS, TextEdit, script

CODE = "SF402"

# program -> (flags that turn on a development feature, {companion option: number of values})
DEV_FLAGS: dict[str, tuple[frozenset[str], dict[str, int]]] = {
    "uvicorn": (
        frozenset({"--reload"}),
        {"--reload-dir": 1, "--reload-include": 1, "--reload-exclude": 1, "--reload-delay": 1},
    ),
    "gunicorn": (frozenset({"--reload"}), {"--reload-engine": 1, "--reload-extra-file": 1}),
    "flask": (frozenset({"--debug", "--reload", "--debugger"}), {"--extra-files": 1, "--exclude-patterns": 1}),
}
FLASK_VARS = {"FLASK_DEBUG": "0", "FLASK_ENV": "production"}
# Compiled on first use (``re`` keeps them), behind a test of what they require.
_PYTHON = r"python[0-9.]*"
_ASSIGNMENT = r"([A-Za-z_][A-Za-z0-9_]*)=(.*)"


def _python(program: str) -> bool:
    return program.startswith("python") and re.fullmatch(_PYTHON, program) is not None


def _assignment(text: str) -> re.Match[str] | None:
    return re.fullmatch(_ASSIGNMENT, text, re.DOTALL) if "=" in text else None


class Arg(Frozen):
    """One argument of a command and its span in the instruction's text (a record written by
    hand like ``engine.Edit``: a dataclass costs start-up time)."""

    __slots__ = _fields = ("text", "start", "end", "raw")
    text: str | None  # None: holds an expansion
    start: int
    end: int
    raw: str

    def __init__(self, text: str | None, start: int, end: int, raw: str) -> None:
        _set(self, "text", text)
        _set(self, "start", start)
        _set(self, "end", end)
        _set(self, "raw", raw)


def check(ctx: Context) -> Iterator[Diagnostic]:
    if not ctx.last:
        return  # the final stage's chain, once: in the last window
    df = ctx.df
    chain = _final_chain(df)
    if not chain:
        return
    final = chain[-1]
    entry = cmd = None
    env: dict[str, tuple[Instruction, _Pair]] = {}
    for stage in chain:
        cmd_set = False
        for instr in stage.instructions:
            if instr.name == "CMD":
                cmd, cmd_set = instr, True
            elif instr.name == "ENTRYPOINT":
                entry = instr
                cmd = cmd if cmd_set else None
            elif instr.name == "ENV" and any(name in instr.sem.args for name in FLASK_VARS):
                for pair in _env_pairs(instr):  # its names are words of sem.args: only these ENVs matter
                    env[pair.name] = (instr, pair)
    owner = {id(i): s for s in chain for i in s.instructions}
    for name, (instr, pair) in env.items():
        if name in FLASK_VARS:
            yield from _env_finding(ctx, instr, pair, owner[id(instr)], final)
    triggers = [
        i
        for s in chain
        for i in s.instructions
        if i.sem.inner is not None and i.sem.command.keyword in ("CMD", "ENTRYPOINT")
    ]
    for instr in (entry, cmd, *triggers):
        if instr is not None:
            yield from _command_findings(ctx, instr, owner[id(instr)], final)


def _final_chain(df: Dockerfile) -> list[Stage]:
    """The final stage and the stages of the file it is built FROM, base first."""
    stages = [s for s in df.stages if s.index >= 0]
    if not stages:
        return []
    chain = [stages[-1]]
    while (parent := parent_stage(df, chain[-1])) is not None:
        chain.append(parent)
    return chain[::-1]


def _inherited(stage: Stage, final: Stage) -> str:
    if stage is final:
        return ""
    name = stage.name or str(stage.index)
    return f" (inherited from stage {name!r}: fix it there, or override it in the final stage)"


# ---- commands -------------------------------------------------------------------------


def _command_findings(ctx: Context, instr: Instruction, stage: Stage, final: Stage) -> Iterator[Diagnostic]:
    inherited = _inherited(stage, final)
    for args, assigns in _commands(instr):
        for name, arg in assigns:
            if name in FLASK_VARS and _enables(name, _value_of(arg)):
                new = f"{name}={FLASK_VARS[name]}"
                import json  # only to write JSON text: not loaded at start-up

                edit = TextEdit(arg.start, arg.end, json.dumps(new) if instr.is_json else new)
                yield _finding(
                    ctx,
                    instr,
                    f"`{arg.raw}` turns on Flask's debug mode in the final image's {_label(instr)}",
                    f"sets {new}",
                    [edit],
                    arg,
                    inherited,
                )
        if not args or args[0].text is None:
            continue
        program = args[0].text.rsplit("/", 1)[-1]
        if _python(program) and len(args) > 2 and args[1].text == "-m" and args[2].text:
            program, args = args[2].text, args[2:]
        words = [a.text or "" for a in args]
        if program in DEV_FLAGS:
            yield from _dev_flags(ctx, instr, program, args, inherited)
        elif program in ("npm", "yarn", "pnpm") and _runs_dev(words):
            yield ctx.diagnostic(
                instr,
                (
                    f"`{' '.join(words)}` starts the development server (file watchers, unoptimised builds) "
                    f"in the final image's {_label(instr)}; the production command depends on the project, "
                    "so slimfix only suggests one: build the app and run its production start (`npm start` "
                    f"or `node <entry>`){inherited}"
                ),
                at=(args[0].start, args[-1].end),
            )
        elif program == "nodemon" or (program == "npx" and "nodemon" in words[1:2]):
            yield ctx.diagnostic(
                instr,
                (
                    "`nodemon`, a development tool that restarts the app whenever files change, runs in "
                    f"the final image's {_label(instr)}; run `node <entry>` instead (slimfix cannot tell "
                    f"the entry){inherited}"
                ),
                at=(args[0].start, args[0].end),
            )
        elif "runserver" in words and (program == "django-admin" or any(w.endswith("manage.py") for w in words[:2])):
            yield ctx.diagnostic(
                instr,
                (
                    f"Django's development server (`runserver`) in the final image's {_label(instr)} is "
                    "single-process and not meant for production; serve the app with gunicorn or uwsgi "
                    f"(slimfix cannot tell the WSGI module){inherited}"
                ),
                at=(args[0].start, args[-1].end),
            )


def _dev_flags(ctx: Context, instr: Instruction, program: str, args: list[Arg], inherited: str) -> Iterator[Diagnostic]:
    triggers, companions = DEV_FLAGS[program]
    doomed: list[int] = []
    found: list[Arg] = []
    k = 1
    while k < len(args):
        word = args[k].text or ""
        name = word.partition("=")[0]
        if word in triggers:
            doomed.append(k)
            found.append(args[k])
        elif name in companions:
            arity = 0 if "=" in word else companions[name]
            doomed.extend(range(k, min(k + arity + 1, len(args))))
            k += arity
        k += 1
    if not found:
        return
    flags = ", ".join(a.text or "" for a in found)
    removed = ", ".join(args[k].raw for k in doomed)
    edits = _delete_args(instr, args, doomed)
    what = f"`{program} {flags}` turns on development features (auto-reload, debugger) in the final image's {_label(instr)}"
    yield _finding(ctx, instr, what, f"removes {removed}", edits, found[0], inherited)


def _finding(
    ctx: Context, instr: Instruction, what: str, change: str, edits: list[TextEdit] | None, at: Arg, inherited: str
) -> Diagnostic:
    why = "a deployed image should not reload code or expose a debugger"
    if inherited or edits is None:
        reason = inherited or " (the arguments span lines in a way slimfix does not rewrite)"
        return ctx.diagnostic(instr, f"{what}; {why}{reason}", at=(at.start, at.end))
    return ctx.diagnostic(
        instr, f"{what}; {why}: {change}", edits, Safety.UNSAFE, change[:1].upper() + change[1:], (at.start, at.end)
    )


def _label(instr: Instruction) -> str:
    return f"ONBUILD {instr.sem.command.keyword}" if instr.sem.inner is not None else instr.name


def _runs_dev(words: list[str]) -> bool:
    rest = words[1:]
    if rest[:2] in (["run", "dev"], ["run-script", "dev"]):
        return True
    return words[0] in ("yarn", "pnpm") and rest[:1] == ["dev"]


def _enables(name: str, value: str | None) -> bool:
    if value is None:
        return False
    if name == "FLASK_DEBUG":
        return bool(value) and value.lower() not in ("0", "false", "no")
    return value == "development"


def _value_of(arg: Arg) -> str | None:
    m = _assignment(arg.text or "")
    return m.group(2) if m else None


def _commands(instr: Instruction) -> Iterator[tuple[list[Arg], list[tuple[str, Arg]]]]:
    """Each simple command as (program and arguments, FLASK-style ``NAME=value`` prefixes)."""
    sem = instr.sem.command
    if sem.json:
        args = _json_args(sem)
        if args is None or not args:
            return
        assigns: list[tuple[str, Arg]] = []
        if args[0].text == "env":
            k = 1
            while k < len(args) and _assignment(args[k].text or ""):
                assigns.append(((args[k].text or "").partition("=")[0], args[k]))
                k += 1
            args = args[k:]
        if args and (args[0].text or "") in SHELLS:
            return
        yield args, assigns
        return
    scr = script(instr)
    if scr is None:
        return
    for cmd in scr.commands:
        args = [Arg(w.value, w.start, w.end, w.raw) for w in cmd.argv]
        pre = [Arg(w.value, w.start, w.end, w.raw) for w in cmd.words[: cmd.argv_index]]
        assigns = [((a.text or "").partition("=")[0], a) for a in pre if _assignment(a.text or "")]
        yield args, assigns


def _json_args(sem: Semantics) -> list[Arg] | None:
    """The JSON form's strings with their spans in the instruction's text."""
    import json  # only for JSON text: not loaded at start-up

    decoder = json.JSONDecoder()
    line, i = sem.line, sem.args_start + sem.args.index("[") + 1
    out: list[Arg] = []
    while True:
        while i < len(line) and is_go_space(line[i]):
            i += 1
        if i >= len(line) or line[i] == "]":
            return out
        if line[i] == ",":
            i += 1
            continue
        try:
            value, end = decoder.raw_decode(line, i)
        except ValueError:
            return None
        out.append(Arg(value, sem.to_text(i), sem.to_text(end, end=True), line[i:end]))
        i = end


def _delete_args(instr: Instruction, args: list[Arg], doomed: list[int]) -> list[TextEdit] | None:
    """Edits that delete the arguments ``doomed`` (indexes in ``args``, never 0) and their separators."""
    text = instr.text
    edits: list[TextEdit] = []
    runs: list[list[int]] = []
    for k in sorted(set(doomed)):
        if runs and runs[-1][-1] == k - 1:
            runs[-1].append(k)
        else:
            runs.append([k])
    for run in runs:
        a, b = run[0], run[-1]
        first, last = args[a], args[b]
        after = args[b + 1] if b + 1 < len(args) else None
        before = args[a - 1]
        if after is not None and _same_line(text[last.end : after.start], instr.is_json):
            edits.append(TextEdit(first.start, after.start, ""))
        elif _same_line(text[before.end : first.start], instr.is_json) or (
            after is None and _bare_continuation(text[before.end : first.start], instr.escape, instr.is_json)
        ):
            edits.append(TextEdit(before.end, last.end, ""))
        else:
            line = _whole_line(text, first.start, last.end, instr.escape)
            if line is None:
                return None
            edits.append(TextEdit(*line, ""))
    return edits


def _same_line(gap: str, is_json: bool) -> bool:
    """True when ``gap`` holds only blanks (and, in JSON, the comma)."""
    rest = gap.replace(",", "", 1) if is_json else gap
    return all(c in " \t" for c in rest)


def _bare_continuation(gap: str, escape: str, is_json: bool) -> bool:
    """True when ``gap`` is just a line break (no comment or empty line inside it)."""
    rest = gap.replace(",", "", 1) if is_json else gap
    return re.fullmatch(rf"[ \t]*{re.escape(escape)}[ \t]*\r*\n[ \t]*", rest) is not None


def _whole_line(text: str, start: int, end: int, escape: str) -> tuple[int, int] | None:
    """The span of the physical line holding ``text[start:end]`` when nothing else is on it."""
    line_start = text.rfind("\n", 0, start) + 1
    if text[line_start:start].strip(" \t"):
        return None
    tail = text[end:]
    stripped = tail.lstrip(" \t")
    if not stripped.startswith(escape):
        return None
    nl = stripped.find("\n")
    if nl < 0 or stripped[1:nl].strip(" \t\r"):
        return None
    return line_start, end + (len(tail) - len(stripped)) + nl + 1


# ---- ENV ------------------------------------------------------------------------------


class _Pair(Frozen):
    __slots__ = _fields = ("name", "raw", "start", "end")
    name: str
    raw: str  # the value as written (quotes kept)
    start: int  # span of the value in the instruction's text
    end: int

    def __init__(self, name: str, raw: str, start: int, end: int) -> None:
        _set(self, "name", name)
        _set(self, "raw", raw)
        _set(self, "start", start)
        _set(self, "end", end)


def _env_finding(ctx: Context, instr: Instruction, pair: _Pair, stage: Stage, final: Stage) -> Iterator[Diagnostic]:
    quote = pair.raw[0] if len(pair.raw) > 1 and pair.raw[0] in "'\"" and pair.raw[-1] == pair.raw[0] else ""
    value = pair.raw[1:-1] if quote else pair.raw
    if "$" in value or instr.escape in value or not _enables(pair.name, value):
        return
    new = FLASK_VARS[pair.name]
    spread = pair.end - pair.start != len(pair.raw)  # the value crosses a line continuation
    edit = None if spread else [TextEdit(pair.start, pair.end, f"{quote}{new}{quote}")]
    at = Arg(value, pair.start, pair.end, pair.raw)
    what = f"ENV {pair.name}={pair.raw} turns on Flask's debug mode in the final image"
    yield _finding(ctx, instr, what, f"sets {pair.name}={new}", edit, at, _inherited(stage, final))


def _env_pairs(instr: Instruction) -> list[_Pair]:
    """``NAME=value`` pairs of an ENV with the span of each value in ``instr.text``."""
    sem = instr.sem
    if sem.inner is not None:
        return []
    words = _words(sem.args, instr.escape)
    if not words:
        return []
    base = sem.args_start
    out: list[_Pair] = []
    if "=" not in words[0][0]:  # the legacy form: ENV NAME the rest of the line
        if len(words) < 2:
            return []
        start, end = words[1][1], len(sem.args)
        return [_pair(sem, words[0][0], sem.args[start:end], base + start, base + end)]
    for raw, start, end in words:
        name, _, value = raw.partition("=")
        vstart = start + len(name) + 1
        out.append(_pair(sem, name, value, base + vstart, base + end))
    return out


def _pair(sem: Semantics, name: str, raw: str, start: int, end: int) -> _Pair:
    return _Pair(name, raw, sem.to_text(start), sem.to_text(end, end=True))


def _words(args: str, escape: str) -> list[tuple[str, int, int]]:
    """Words split on blanks outside quotes, as BuildKit's ``parseWords`` does, with offsets."""
    out: list[tuple[str, int, int]] = []
    i, n = 0, len(args)
    while i < n:
        if is_go_space(args[i]):
            i += 1
            continue
        start, quote = i, ""
        while i < n and (quote or not is_go_space(args[i])):
            ch = args[i]
            if ch == escape and quote != "'":
                i += 1
            elif quote and ch == quote:
                quote = ""
            elif not quote and ch in "'\"":
                quote = ch
            i += 1
        out.append((args[start:i], start, min(i, n)))
    return out
