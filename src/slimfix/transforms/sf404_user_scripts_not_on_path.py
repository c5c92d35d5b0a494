"""SF404 user-scripts-not-on-path

## What it does
After ``pip install --user``, adds ``ENV PATH=<user base>/bin:$PATH`` right below that
``RUN`` when a later command of the image calls a program by bare name (``uvicorn``,
``gunicorn``, ``celery``...) and no ``ENV PATH`` of the stage, or of the stages it is built
FROM, already holds ``.local/bin``.  The commands that count are the ``RUN`` lines after the
install, the ``CMD`` and ``ENTRYPOINT`` the stage ends with, and every ``RUN``, ``CMD`` and
``ENTRYPOINT`` of the stages built FROM it.  Programs every base image has (shells, python,
pip, coreutils, package managers) do not count.  Commands inside ``sh -c '...'`` strings and
here-document bodies are not read (neither callers nor installs), nor is ``ONBUILD RUN``.

The user base is ``$PYTHONUSERBASE`` when an ``ENV`` sets it, else ``$HOME/.local`` when an
``ENV`` sets ``HOME``, else ``/root/.local`` for root (no ``USER``, or ``USER root``, on an
official image from SF403's table or a stage of the file), else ``/home/<name>/.local`` when
the file creates that user with ``useradd`` or ``adduser`` (``-d``/``--home``/``-h`` are
read).  When the user or their home cannot be told, the finding is only reported.

## Why is this bad?
``pip install --user`` puts console scripts in ``~/.local/bin``, which is not on the PATH of
the official images, so ``ENTRYPOINT uvicorn main:app`` fails at start with
``exec: "uvicorn": executable file not found in $PATH``.

## Example
```dockerfile
FROM python:3.12-slim
RUN pip install --user -r requirements.txt
CMD ["uvicorn", "main:app"]
```

## Use instead
```dockerfile
FROM python:3.12-slim
RUN pip install --user -r requirements.txt
ENV PATH=/root/.local/bin:$PATH
CMD ["uvicorn", "main:app"]
```

## Fix safety
Safe: only programs that were not found before are found now, except that a console script
named like a program already on PATH now shadows it (``pip install --user --upgrade pip``
makes later ``pip`` calls use the upgraded pip, which is what that line asks for).
"""

from __future__ import annotations

from collections.abc import Iterator

from slimfix.analysis import descendant_stages, parent_stage, position
from slimfix.cst import Dockerfile, Instruction, Stage
from slimfix.engine import Context, Diagnostic, Safety
from slimfix.images import official_image
from slimfix.lazy_re import Lazy
from slimfix.shell import SHELLS, Command, Word, script

CODE = "SF404"

# Programs on PATH in the official images (or shell builtins): calling them needs no PATH change.
BASE_PROGRAMS = frozenset(
    "sh bash dash ash env exec echo printf cd cp mv rm ls ln mkdir rmdir chmod chown chgrp cat "
    "touch test [ true false set export unset source . sleep sed grep awk find xargs tar gzip "
    "gunzip sort head tail tr cut tee wc id whoami useradd adduser groupadd addgroup usermod "
    "apt-get apt apk dnf yum microdnf dpkg curl wget git make gcc cc g++ ldconfig su sudo "
    "python python3 pip pip3 node npm npx yarn java".split()
)
_PYTHON = Lazy(r"python[0-9.]*")  # compiled on first use, behind a test of the prefix they require
_PIP = Lazy(r"pip[0-9.]*")


def _versioned(program: str, prefix: str, pattern: Lazy) -> bool:
    return program.startswith(prefix) and pattern.fullmatch(program) is not None


# useradd / adduser options that take a value (the login name is the operand left over)
_VALUE_OPTIONS = frozenset(
    "-b -c -d -e -f -g -G -k -K -p -s -u -R -P -Z -h "
    "--base-dir --comment --home-dir --home --expiredate --inactive --gid --groups --skel --key "
    "--password --shell --uid --root --prefix --selinux-user --gecos --ingroup --firstuid "
    "--lastuid --conf".split()
)
ROOT = "root"
UNKNOWN = None


class _State:
    """What is in force at one point of a stage: the user and the ENV values we can read.

    A plain class, not a dataclass: creating one costs start-up time."""

    __slots__ = ("env", "homes", "user")

    def __init__(
        self, user: str | None = UNKNOWN, env: dict[str, str | None] | None = None, homes: dict[str, str] | None = None
    ) -> None:
        self.user = user  # a name, "root", or None when it cannot be told
        self.env: dict[str, str | None] = {} if env is None else env  # None: set, but to an expansion
        self.homes: dict[str, str] = {} if homes is None else homes  # users the file creates -> their home

    def copy(self) -> _State:
        return _State(self.user, dict(self.env), dict(self.homes))

    def bin_dir(self) -> tuple[str | None, str]:
        """Where pip puts console scripts, or None and why it cannot be told."""
        if "PYTHONUSERBASE" in self.env:
            base = self.env["PYTHONUSERBASE"]
            return (f"{base.rstrip('/')}/bin", "") if base else (None, "PYTHONUSERBASE is set from a variable")
        if "HOME" in self.env:
            home = self.env["HOME"]
            return (f"{home.rstrip('/')}/.local/bin", "") if home else (None, "HOME is set from a variable")
        if self.user == ROOT:
            return "/root/.local/bin", ""
        if self.user is None:
            return None, "slimfix cannot tell which user runs it"
        if self.user in self.homes:
            return f"{self.homes[self.user].rstrip('/')}/.local/bin", ""
        return None, f"the home directory of user {self.user!r} is not known"


def check(ctx: Context) -> Iterator[Diagnostic]:
    df = ctx.df
    stages = [s for s in ctx.stages if s.index >= 0]
    ends: dict[int, _State] = ctx.carry.setdefault("ends", {})  # id(stage) -> state at its end
    fixed: set[int] = ctx.carry.setdefault("fixed", set())  # stages that get the ENV in this pass
    for stage in stages:
        parent = parent_stage(df, stage)
        state = ends[id(parent)].copy() if parent else _State(ROOT if official_image(stage.base or "") else UNKNOWN)
        install: tuple[Instruction, Word, _State] | None = None
        for instr in stage.instructions:
            keyword = instr.name
            if keyword == "USER" and instr.value:
                name = instr.value[0].split(":", 1)[0]
                state.user = ROOT if name in ("root", "0") else (UNKNOWN if "$" in name else name)
            elif keyword == "ENV":
                _read_env(instr, state)
            elif keyword == "RUN":
                for cmd in _commands(instr):
                    home = _created_home(cmd)
                    if home:
                        state.homes[home[0]] = home[1]
                    if install is None and (flag := _user_install(cmd)) is not None:  # the first one counts
                        install = (instr, flag, _with_prefix(state, cmd))
        ends[id(stage)] = state
        if install is None or _covered(df, stage, fixed, install[2].bin_dir()[0]):
            continue
        found = _diagnose(ctx, stage, *install)
        if found is not None:
            if found.fix is not None:
                fixed.add(id(stage))
            yield found


def _diagnose(
    ctx: Context, stage: Stage, run: Instruction, flag: Word, state: _State
) -> Diagnostic | None:
    bin_dir, unknown = state.bin_dir()
    caller = _bare_caller(ctx.df, stage, run, bin_dir)
    if caller is None:
        return None
    program, where = caller
    what = (
        f"`pip install --user` puts console scripts in {bin_dir or '~/.local/bin'}, which is "
        f"not on PATH, so `{program}` ({where}) is not found"
    )
    if bin_dir is None:
        return ctx.diagnostic(
            run,
            f"{what}; {unknown}, so the directory to add is unknown: add an ENV PATH for it",
            at=(flag.start, flag.end),
        )
    keyword = "env" if run.keyword.islower() else "ENV"
    line = f"{keyword} PATH={bin_dir}:$PATH"
    edit = ctx.insert_after(run, line + ctx.df.newline)
    return ctx.diagnostic(
        run,
        f"{what}; adds `{line}` after this RUN",
        safety=Safety.SAFE,
        title=f"Add {line}",
        at=(flag.start, flag.end),
        file_edits=[edit],
    )


def _bare_caller(
    df: Dockerfile, stage: Stage, run: Instruction, bin_dir: str | None
) -> tuple[str, str] | None:
    """The first program called by bare name after the install, and where."""
    later = list(stage.instructions[position(df, run) + 1 :])
    candidates = [i for i in later if i.name == "RUN"]
    candidates += _final_commands(df, stage)
    for child in descendant_stages(df, stage):
        if not _covered(df, child, set(), bin_dir):
            candidates += [i for i in child.instructions if i.name in ("RUN", "CMD", "ENTRYPOINT")]
    for instr in candidates:
        for program in _programs(instr):
            if (
                "/" not in program
                and program not in BASE_PROGRAMS
                and not _versioned(program, "python", _PYTHON)
                and not _versioned(program, "pip", _PIP)
            ):
                return program, f"{instr.name} on line {df.lines_of(instr)[0]}"
    return None


def _programs(instr: Instruction) -> Iterator[str]:
    if instr.is_json:
        argv = instr.value
        if argv and argv[0] not in SHELLS:
            yield argv[0]
        return
    for cmd in _commands(instr):
        if cmd.argv and cmd.argv[0].value:
            yield cmd.argv[0].value


def _commands(instr: Instruction) -> tuple[Command, ...]:
    scr = script(instr) if instr.sem.inner is None else None
    return scr.commands if scr is not None else ()


def _user_install(cmd: Command) -> Word | None:
    """The ``--user`` word of a ``pip install --user`` (also ``python -m pip``)."""
    program = cmd.program
    if _versioned(program, "pip", _PIP):
        start = 1
    elif _versioned(program, "python", _PYTHON) and cmd.args[1:3] == ("-m", "pip"):
        start = 3
    else:
        return None
    args = cmd.args
    ops = [a for a in args[start:] if not a.startswith("-")]
    if not ops or ops[0] != "install":
        return None
    for word in cmd.argv[start:]:
        if word.value == "--user":
            return word
    return None


def _created_home(cmd: Command) -> tuple[str, str] | None:
    """``(name, home)`` for ``useradd``/``adduser`` commands."""
    if cmd.program not in ("useradd", "adduser"):
        return None
    home = base = None
    operands: list[str] = []
    args = list(cmd.args[1:])
    k = 0
    while k < len(args):
        arg = args[k]
        name, eq, value = arg.partition("=")
        if arg.startswith("-") and (name in _VALUE_OPTIONS):
            if not eq:
                k += 1
                value = args[k] if k < len(args) else ""
            if name in ("-d", "--home-dir", "--home", "-h"):
                home = value
            elif name in ("-b", "--base-dir"):
                base = value
        elif not arg.startswith("-"):
            operands.append(arg)
        k += 1
    if not operands or (home is None and cmd.program == "adduser" and "--system" in args):
        return None  # Debian's adduser --system gives /nonexistent as the home
    user = operands[-1] if cmd.program == "useradd" else operands[0]
    return user, home or f"{(base or '/home').rstrip('/')}/{user}"


def _with_prefix(state: _State, cmd: Command) -> _State:
    """The state the command runs in, with its ``HOME=`` / ``PYTHONUSERBASE=`` prefixes."""
    out = state.copy()
    for name, value in cmd.assignments.items():
        if name in ("HOME", "PYTHONUSERBASE"):
            out.env[name] = None if "$" in value else value
    return out


def _read_env(instr: Instruction, state: _State) -> None:
    values = instr.value
    for k in range(0, len(values) - 1, 2):
        name, value = values[k], values[k + 1]
        if len(value) > 1 and value[0] in "'\"" and value[-1] == value[0]:
            value = value[1:-1]
        state.env[name] = None if "$" in value or "\\" in value else value


def _covered(df: Dockerfile, stage: Stage, fixed: set[int], bin_dir: str | None) -> bool:
    """True when the stage or one it is built FROM has an ENV PATH with .local/bin (or ``bin_dir``)."""
    wanted = [".local/bin"] + ([bin_dir] if bin_dir else [])
    current: Stage | None = stage
    while current is not None:
        if id(current) in fixed:
            return True
        for instr in current.instructions:
            if instr.name == "ENV":
                values = instr.value
                paths = [values[k + 1] for k in range(0, len(values) - 1, 2) if values[k] == "PATH"]
                if any(w in p for p in paths for w in wanted):
                    return True
        current = parent_stage(df, current)
    return False


def _final_commands(df: Dockerfile, stage: Stage) -> list[Instruction]:
    """The CMD and ENTRYPOINT the stage's image ends with (inherited ones included)."""
    chain: list[Stage] = []
    current: Stage | None = stage
    while current is not None:
        chain.append(current)
        current = parent_stage(df, current)
    entry = cmd = None
    for s in reversed(chain):
        cmd_set = False
        for instr in s.instructions:
            if instr.name == "CMD":
                cmd, cmd_set = instr, True
            elif instr.name == "ENTRYPOINT":
                entry = instr
                cmd = cmd if cmd_set else None
    return [i for i in (entry, cmd) if i is not None]
