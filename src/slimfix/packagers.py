"""Package-manager commands in the shell-word view, and what a stage knows about their caches.

``calls(scr)`` finds the commands of apt-get/apt, apk, dnf/yum/microdnf, zypper, pip (also
``python -m pip``), ``uv pip``, npm, yarn, composer, gem and poetry in a RUN's ``Script``, each with the
action it performs and the word that names it (flags go right after that word).  The rest of
the module answers the questions SF101, SF102 and SF103 share: is a cache folder covered by a
``--mount``, is an environment variable in force, which user runs the command, which cache policy
a stage follows, and how to append a cleanup command in the author's style.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from functools import lru_cache
from weakref import WeakKeyDictionary

from slimfix.analysis import parent_stage, position
from slimfix.cst import Dockerfile, Instruction
from slimfix.cst.record import Record
from slimfix.engine import Context, Diagnostic, Safety
from slimfix.lazy_re import Lazy
from slimfix.shell import (
    LAYOUT,
    Command,
    Script,
    TextEdit,
    Word,
    append_command,
    script,
)

# Options that take the next word as their value, before the action word, per tool.
_VALUE_OPTIONS = {
    "apt": {"-o", "-c", "-t", "-a", "--option", "--config-file", "--target-release", "--host-architecture"},
    "apk": {"-X", "-p", "--repository", "--root", "--arch", "--cache-dir", "--keys-dir", "--repositories-file"},
    "dnf": {"-c", "-x", "--config", "--releasever", "--installroot", "--enablerepo", "--disablerepo",
            "--setopt", "--exclude", "--repo", "--repoid"},
    "zypper": {"-R", "-c", "-D", "--root", "--config", "--reposd-dir", "--cache-dir"},
    "pip": {"--cache-dir", "--log", "--proxy", "--retries", "--timeout", "--exists-action",
            "--trusted-host", "--cert", "--client-cert", "--python"},
    "uv": {"--cache-dir", "--directory", "--project", "--config-file", "--color"},
    "npm": {"--prefix", "--cache", "-C", "--userconfig"},
    "yarn": {"--cwd", "--cache-folder", "--modules-folder"},
    "composer": {"-d", "--working-dir"},
    "gem": set(),
    "poetry": {"-C", "--directory", "-P", "--project"},
}
_INSTALL = {
    "apt": {"install"},
    "apk": {"add"},
    "dnf": {"install", "update", "upgrade", "reinstall", "groupinstall", "localinstall", "distro-sync"},
    "zypper": {"install", "in", "update", "up", "dist-upgrade", "dup", "patch", "source-install", "si"},
    "pip": {"install"},
    "uv": {"install"},
    "npm": {"install", "i", "ci", "add", "isntall", "in"},
    "yarn": {"install", "add"},
    "composer": {"install", "require", "update", "create-project", "upgrade"},
    "gem": {"install"},
    "poetry": {"install", "add", "sync", "update"},
}
_PIP = Lazy(r"pip(\d+(\.\d+)?)?")
_PYTHON = Lazy(r"python(\d+(\.\d+)?)?")

# The cache folders SF103 can put on a BuildKit cache mount, and the extra mount options.
MOUNT_TARGETS = {
    "pip": ("/root/.cache/pip",),
    "uv": ("/root/.cache/uv",),
    "npm": ("/root/.npm",),
    "yarn": ("/usr/local/share/.cache/yarn",),
    "apt": ("/var/cache/apt", "/var/lib/apt/lists"),
    "apk": ("/var/cache/apk",),
    "dnf": ("/var/cache/dnf",),
    "yum": ("/var/cache/yum",),
}
LOCKED = frozenset({"apt", "apk", "dnf", "yum"})  # package managers that lock their folders
HOME_CACHES = frozenset({"pip", "uv", "npm", "yarn"})  # folders under root's home
APT_LISTS = "/var/lib/apt/lists"
DOCKER_CLEAN = "/etc/apt/apt.conf.d/docker-clean"
KEEP_CACHE = (
    "rm -f /etc/apt/apt.conf.d/docker-clean; "
    "echo 'Binary::apt::APT::Keep-Downloaded-Packages \"true\";' > /etc/apt/apt.conf.d/keep-cache"
)


class Call(Record):
    """One package-manager command: ``tool`` (apt, apk, dnf, yum, microdnf, zypper, pip, uv, npm,
    yarn, composer, gem, poetry), ``action`` (its verb as written), ``verb`` (the word naming it),
    ``cmd``, and ``index``, its position in ``Script.commands``."""

    __slots__ = _fields = ("tool", "action", "verb", "cmd", "index")

    def __init__(self, tool: str, action: str, verb: Word | None, cmd: Command, index: int) -> None:
        self.tool = tool
        self.action = action
        self.verb = verb
        self.cmd = cmd
        self.index = index

    @property
    def installs(self) -> bool:
        family = "dnf" if self.tool in ("yum", "microdnf") else self.tool
        return self.action in _INSTALL.get(family, ())


def run_scripts(ctx: Context) -> list[tuple[Instruction, Script]]:
    """The shell-form RUNs (``ONBUILD RUN`` too) that ``ctx`` checks, each with its shell-word
    view, in order: what SF101, SF102 and SF103 each walk.  Found once per tree for them all
    when the file is one window whose instructions keep their views; otherwise each call finds
    its own, and the views go with the window (``engine.check_tree``)."""
    df = ctx.df
    whole = len(ctx.window) == len(df.stages) and df.instructions[:1] != () and df.instructions[0].keeps_views
    memo = df.__dict__
    found = memo.get("_run_scripts") if whole else None
    if found is None:
        found = [
            (instr, scr) for instr in ctx.instructions
            if instr.name in _RUN_NAMES and (scr := script(instr)) is not None and instr.sem.command.keyword == "RUN"
        ]
        if whole:
            memo["_run_scripts"] = found
    return found


_RUN_NAMES = frozenset({"RUN", "ONBUILD"})  # the instructions whose command line can be a RUN's


def calls(scr: Script) -> list[Call]:
    """The package-manager commands of ``scr``, in order.  A pure function of the (immutable)
    script, asked by SF101, SF102, SF103 and the stage index for every RUN: kept on it."""
    found = scr.__dict__.get("_calls")
    if found is None:
        found = scr.__dict__["_calls"] = tuple(
            call for k, cmd in enumerate(scr.commands) if (call := recognise(cmd, k)) is not None
        )
    return list(found)


def recognise(cmd: Command, index: int = 0) -> Call | None:
    argv = cmd.argv
    prog = cmd.program
    if prog in ("apt-get", "apt"):
        return _call("apt", cmd, index, 1)
    if prog == "apk":
        return _call("apk", cmd, index, 1)
    if prog in ("dnf", "yum", "microdnf"):
        return _call("dnf", cmd, index, 1, name=prog)
    if prog == "zypper":
        return _call("zypper", cmd, index, 1)
    if _PIP.fullmatch(prog):
        return _call("pip", cmd, index, 1)
    if _PYTHON.fullmatch(prog):
        k = 1
        while k < len(argv) and argv[k].text.startswith("-") and argv[k].text != "-m":
            k += 2 if argv[k].text in ("-X", "-W") else 1
        if k + 1 < len(argv) and argv[k].text == "-m" and argv[k + 1].text == "pip":
            return _call("pip", cmd, index, k + 2)
        return None
    if prog == "uv":
        k = _verb_index(argv, 1, _VALUE_OPTIONS["uv"])
        if k is not None and argv[k].text == "pip":
            return _call("uv", cmd, index, k + 1)
        return None
    if prog in ("npm", "composer", "gem", "poetry"):
        return _call(prog, cmd, index, 1)
    if prog == "yarn":
        k = _verb_index(argv, 1, _VALUE_OPTIONS["yarn"])
        if k is None:  # a bare ``yarn`` installs
            return Call("yarn", "install", argv[0], cmd, index)
        if argv[k].text == "global" and k + 1 < len(argv):
            return Call("yarn", argv[k + 1].text, argv[k + 1], cmd, index)
        return Call("yarn", argv[k].text, argv[k], cmd, index)
    return None


def _call(family: str, cmd: Command, index: int, start: int, name: str | None = None) -> Call | None:
    argv = cmd.argv
    k = _verb_index(argv, start, _VALUE_OPTIONS[family])
    if k is None:
        return None
    return Call(name or family, argv[k].text, argv[k], cmd, index)


def _verb_index(argv: tuple[Word, ...], start: int, value_options: set[str]) -> int | None:
    k = start
    while k < len(argv):
        text = argv[k].text
        if text == "--":
            return k + 1 if k + 1 < len(argv) else None
        if not text.startswith("-") or text == "-":
            return k
        k += 2 if text in value_options else 1
    return None


def following(scr: Script, call: Call) -> tuple[Command, ...]:
    """The commands after ``call`` in the same RUN."""
    return scr.commands[call.index + 1 :]


def removes(cmd: Command, path: str) -> bool:
    """``cmd`` is an ``rm``/``find -delete`` whose argument covers ``path`` (``/dir/*`` too)."""
    if cmd.program not in ("rm", "find"):
        return False
    for arg in cmd.args[1:]:
        if not arg.startswith("/"):
            continue
        base = arg.rstrip("*").rstrip("/") or "/"
        if path == base or path.startswith(base.rstrip("/") + "/"):
            return True
    return False


def mounts(instr: Instruction) -> list[dict[str, str]]:
    """The ``--mount`` flags of a RUN (ONBUILD RUN too), as lower-cased key/value maps."""
    import csv

    found = []
    for flag in instr.sem.command.flags:
        if flag.name != "mount" or not flag.value:
            continue
        spec: dict[str, str] = {"type": "bind"}
        for field in next(csv.reader([flag.value])):
            key, _, value = field.partition("=")
            spec[key.strip().lower()] = value.strip()
        for alias in ("dst", "destination"):
            if alias in spec and "target" not in spec:
                spec["target"] = spec[alias]
        found.append(spec)
    return found


def covered(instr: Instruction, path: str, marker: str | None = None) -> bool:
    """A cache or tmpfs mount holds ``path`` (or has ``marker`` in its target)."""
    for spec in mounts(instr):
        if spec.get("type") not in ("cache", "tmpfs"):
            continue
        target = spec.get("target", "").rstrip("/") or "/"
        if path == target or path.startswith(target.rstrip("/") + "/"):
            return True
        if marker and marker in target.lower().split("/")[-1]:
            return True
    return False


def env_sets(df: Dockerfile, instr: Instruction, name: str) -> bool:
    """``name`` (in any letter case) is set before ``instr`` by an ENV of its image (its own stage
    or a stage it is built ``FROM`` by name) or by an ARG with a default in its own stage."""
    return _chains(df).env_sets(df, instr, name.lower())


def inline_env(scr: Script, call: Call, name: str) -> bool:
    """``NAME=... cmd`` or an earlier ``export NAME=...`` in the same RUN."""
    if name in call.cmd.assignments:
        return True
    for cmd in scr.commands[: call.index]:
        if cmd.program == "export" and any(a.partition("=")[0] == name for a in cmd.args[1:]):
            return True
    return False


def runs_as_root(df: Dockerfile, instr: Instruction) -> bool:
    """No USER other than root before ``instr`` (the base image is assumed to run as root)."""
    return _chains(df).user(df, instr) in ("root", "0")


def policy(settings, df: Dockerfile, instr: Instruction) -> str:
    """The cache policy of ``instr``'s stage: ``clean`` or ``mounts``."""
    return settings.cache_for(df.stage_of(instr).name)


def mounts_handle(settings, df: Dockerfile, instr: Instruction, tool: str) -> bool:
    """SF103 puts ``tool``'s cache on a mount here, so SF101/SF102 add no cleanup for it."""
    if policy(settings, df, instr) != "mounts" or tool not in MOUNT_TARGETS:
        return False
    return tool not in HOME_CACHES or runs_as_root(df, instr)


def mount_flag(tool: str, target: str) -> str:
    extra = ",sharing=locked" if tool in LOCKED else ""
    return f"--mount=type=cache,target={target}{extra}"


def append(instr: Instruction, scr: Script, commands: list[str], nl: str) -> TextEdit | None:
    """Append ``commands`` at the end of the RUN in the author's layout, or None when that is
    not safe: the view is incomplete, or the script ends with an operator (``x &``, or ``x;``
    without ``set -e``).

    Under ``set -e`` with ``;``-joined lines (the official images' style) the new lines are
    joined with ``;`` too; otherwise with ``&&``, so a failing command still fails the build.
    """
    if scr.opaque or not scr.commands:
        return None
    errexit = _errexit(scr)
    ends_with = scr.ops[-1][0] if scr.ops and scr.ops[-1][2] >= scr.end else None
    if ends_with is not None and not (ends_with == ";" and errexit):
        return None
    semicolons = errexit and (ends_with == ";" or scr.commands[-1].op_before == ";")
    layout = scr.__dict__.get(LAYOUT, instr)  # a here-document's script has a text of its own
    pieces = []
    for k, command in enumerate(commands):
        text = append_command(layout, scr, command, nl).new
        if semicolons and text.startswith(" &&"):
            text = ("" if k == 0 and ends_with else ";") + text[3:]
        elif ends_with:
            return None
        pieces.append(text)
    return TextEdit(scr.end, scr.end, "".join(pieces))


def _errexit(scr: Script) -> bool:
    first = scr.commands[0]
    if first.program != "set":
        return False
    args = first.args[1:]
    return any(a.startswith("-") and not a.startswith("--") and "e" in a for a in args) or "errexit" in args


def heredoc_scripts(instr: Instruction, scr: Script) -> list[Script]:
    """The shell scripts a RUN feeds through here-documents (``RUN <<EOF`` or ``RUN bash
    <<EOF``); their offsets are in a text of their own (see ``slimfix.heredocs``)."""
    return [inner.script for inner in _views(instr, scr)]


def _views(instr: Instruction, scr: Script) -> tuple:
    """``heredocs.views``, imported only for a RUN that has here-documents (start-up time)."""
    if not instr.heredocs:
        return ()
    from slimfix import heredocs

    return heredocs.views(instr, scr)


# (message, at, edit, safety): what a check found, before it becomes a Diagnostic.
Finding = tuple[str, "tuple[int, int] | None", "TextEdit | None", Safety]


def diagnostics(ctx: Context, instr: Instruction, scr: Script, findings) -> Iterator[Diagnostic]:
    """Diagnostics from ``findings(ctx, instr, scr)`` for a RUN and for the scripts of its
    here-documents.  An edit is applied only where the shell-word view is complete: on a command
    line with a part the view does not understand, or in a here-document the view cannot map
    back exactly (``heredocs.Inner.edit``), the finding is reported with what to change, and
    nothing is changed."""
    shell = _other_shell(ctx, instr)
    if shell is not None:  # the view reads POSIX shell: under another, only report
        for inner in (*[i.script for i in _views(instr, scr)], scr):
            for message, at, edit, safety in findings(ctx, instr, inner):
                if edit is not None:
                    message, safety = message + _OTHER_SHELL.format(shell), Safety.DISPLAY_ONLY
                yield ctx.diagnostic(instr, message, safety=safety, at=at if inner is scr else None)
        return
    inners = _views(instr, scr)
    if inners:
        from slimfix import heredocs

        runs = heredocs.runs_body(scr, len(instr.heredocs))
    for inner in inners:
        base = heredocs.body_start(instr, inner.index) if runs else None
        doc = instr.heredocs[inner.index]
        newline = doc.newline or ctx.df.newline
        for message, at, edit, safety in findings(ctx, instr, inner.script):
            where = inner.span(at, base) if base is not None else None
            if edit is None:
                yield ctx.diagnostic(instr, message, safety=safety, at=where)
                continue
            moved = inner.edit(edit, base, newline, plain=not scr.commands) if base is not None else None
            if moved is None:
                yield ctx.diagnostic(instr, message + _NOT_APPLIED.format("a here-document"), safety=Safety.DISPLAY_ONLY)
            else:
                yield ctx.diagnostic(instr, message, edits=[moved], safety=safety, at=where)
    for message, at, edit, safety in findings(ctx, instr, scr):
        if edit is not None and scr.opaque:
            message += _NOT_APPLIED.format(scr.opaque[0])
            edit, safety = None, Safety.DISPLAY_ONLY
        yield ctx.diagnostic(instr, message, edits=[edit] if edit else None, safety=safety, at=at)


_NOT_APPLIED = " (not applied: slimfix does not edit a command line that holds {}; make this change yourself)"
_OTHER_SHELL = " (not applied: the SHELL in force is {}, not a POSIX shell; make this change yourself)"
_POSIX = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox"})


def _other_shell(ctx: Context, instr: Instruction) -> str | None:
    """The program of the SHELL in force for ``instr`` when it is not a POSIX shell (``&&`` is
    no statement separator in Windows PowerShell 5.1, for one), else None."""
    shell = _shell_in_force(ctx.df, instr)
    if shell is None:
        return None
    return _not_posix(shell)


@lru_cache(maxsize=64)
def _not_posix(shell: tuple[str, ...]) -> str | None:
    words = [w.replace("\\", "/").rsplit("/", 1)[-1].lower().removesuffix(".exe") for w in shell[:2]]
    if words and words[0] == "env" and len(words) > 1:
        words = words[1:]
    return None if words and words[0] in _POSIX else (shell[0] if shell else "empty")


def _shell_in_force(df: Dockerfile, instr: Instruction) -> tuple[str, ...] | None:
    """The last SHELL before ``instr`` in its stage or the stages it is built FROM; None for
    the default (``/bin/sh -c``).  Indexed once per tree, on the tree (id(stage) -> positions
    of its SHELLs and their values; empty when the file has none, as most files)."""
    index = df.__dict__.get("_shells")
    if index is None:
        index = df.__dict__["_shells"] = {}
        for stage in df.stages:
            found = [(k, tuple(i.value)) for k, i in enumerate(stage.instructions) if i.name == "SHELL"]
            if found:
                index[id(stage)] = ([k for k, _ in found], [v for _, v in found])
    if not index:
        return None
    stage, before = df.stage_of(instr), position(df, instr)
    while stage is not None:
        at, values = index.get(id(stage), ((), ()))
        k = bisect_left(at, before)
        if k:
            return values[k - 1]
        stage, before = parent_stage(df, stage), len(df.instructions)  # all of the parent's
    return None


_UPGRADES = ("upgrade", "dist-upgrade", "full-upgrade")


def updates_first(apt: list[Call]) -> bool:
    """An ``apt-get update`` runs before the first install of these calls."""
    installs = [c for c in apt if c.action in ("install", "upgrade", "dist-upgrade", "full-upgrade")]
    updates = [c for c in apt if c.action == "update"]
    return bool(updates) and (not installs or updates[0].index < installs[0].index)


def later_apt_install_without_update(df: Dockerfile, instr: Instruction) -> int | None:
    """Line of a later RUN of the same image (its stage, or a stage built FROM it) that installs
    with apt without updating first, so relies on the package lists left before it."""
    found = _chains(df).later_stale(df, instr)
    return df.lines_of(found)[0] if found is not None else None


def earlier_apt_update(df: Dockerfile, instr: Instruction) -> int | None:
    """Line of the last RUN before ``instr`` in its image (earlier stages it is built ``FROM``, then its own), of its kind (RUN or
    ONBUILD), that runs ``apt-get update``."""
    found = _chains(df).earlier(df, instr, ("update", instr.name), inclusive=False)
    return df.lines_of(found)[0] if found is not None else None


def docker_clean_removed(df: Dockerfile, instr: Instruction) -> bool:
    """``instr`` or an earlier RUN of its image removes apt's docker-clean hook."""
    return _chains(df).earlier(df, instr, "hook", inclusive=True) is not None


# ---- the stage-chain questions, indexed once per tree ------------------------------------
#
# Asked for every RUN, these would each walk the chain before it (or the stages after it): a
# file of N instructions would cost N times N.  Instead each stage's marks are listed once, by
# position, and each answer is a binary search plus a walk up the FROM links, remembered per
# stage.  The index holds no settings: only what the (immutable) tree says.


class _Chains:
    def __init__(self, df: Dockerfile) -> None:
        self.env: dict[int, dict[str, int]] = {}  # id(stage) -> lower-cased name -> first position
        self.env_names: dict[int, frozenset[str]] = {}  # id(stage) -> names its ENVs set (lower case)
        self.users: dict[int, tuple[list[int], list[str]]] = {}  # id(stage) -> USER positions, users
        for stage in df.stages:
            first: dict[str, int] = {}
            env_names: set[str] = set()
            at: list[int] = []
            users: list[str] = []
            for k, other in enumerate(stage.instructions):
                if other.name == "ENV":
                    for name in other.value[0::2]:
                        first.setdefault(name.lower(), k)
                        env_names.add(name.lower())
                elif other.name == "ARG":
                    for word in other.value:
                        name, eq, _ = word.partition("=")
                        if eq:
                            first.setdefault(name.lower(), k)
                elif other.name == "USER" and other.value:
                    at.append(k)
                    users.append(other.value[0].split(":")[0])
            self.env[id(stage)], self.env_names[id(stage)] = first, frozenset(env_names)
            self.users[id(stage)] = (at, users)
        self.memo: dict[tuple, object] = {}
        self.marks: dict[int, dict[object, list[int]]] = {}  # id(stage) -> its marks, on first use

    def _inherited(self, df: Dockerfile, stage, key: tuple, own, default):
        """``own(s)`` of the nearest stage ``s`` up the FROM links of ``stage`` (``stage`` left
        out) for which it is not None, else ``default``; remembered per stage (as the answer
        for the stages built FROM it), so each link is walked once per question."""
        walked = []
        up = parent_stage(df, stage)
        while True:
            if up is None:
                found = default
                break
            if (key, id(up)) in self.memo:
                found = self.memo[(key, id(up))]
                break
            found = own(up)
            if found is not None:
                self.memo[(key, id(up))] = found
                break
            walked.append(up)
            up = parent_stage(df, up)
        for s in walked:
            self.memo[(key, id(s))] = found
        return found

    def env_sets(self, df: Dockerfile, instr: Instruction, name: str) -> bool:
        stage = df.stage_of(instr)
        if self.env[id(stage)].get(name, len(stage.instructions)) < position(df, instr):
            return True
        return self._inherited(df, stage, ("env", name), lambda s: True if name in self.env_names[id(s)] else None, False)

    def user(self, df: Dockerfile, instr: Instruction) -> str:
        stage = df.stage_of(instr)
        at, users = self.users[id(stage)]
        k = bisect_left(at, position(df, instr))
        if k:
            return users[k - 1]
        return self._inherited(df, stage, ("user",), lambda s: self.users[id(s)][1][-1] if self.users[id(s)][1] else None, "root")

    def _marks(self, stage) -> dict[object, list[int]]:
        """The positions of the stage's RUNs that update apt's lists (by kind, RUN or ONBUILD),
        install with apt on stale lists (by kind), or remove the docker-clean hook.  Listed
        when first asked for that stage: a large file is checked a window of stages at a time,
        and the shell views of the other stages' RUNs are not kept meanwhile."""
        marks = self.marks.get(id(stage))
        if marks is None:
            marks = self.marks[id(stage)] = {}
            for k, other in enumerate(stage.instructions):
                if other.name not in ("RUN", "ONBUILD") or other.sem.command.keyword != "RUN" or (scr := script(other)) is None:
                    continue
                apt = [c for c in calls(scr) if c.tool == "apt"]
                if any(c.action == "update" for c in apt):
                    marks.setdefault(("update", other.name), []).append(k)
                if any(c.installs or c.action in _UPGRADES for c in apt) and not updates_first(apt):
                    marks.setdefault(("stale", other.name), []).append(k)
                if any(removes(c, DOCKER_CLEAN) for c in scr.commands):
                    marks.setdefault("hook", []).append(k)
        return marks

    def earlier(self, df: Dockerfile, instr: Instruction, mark: object, inclusive: bool) -> Instruction | None:
        """The last instruction with ``mark`` before ``instr`` (or at it) in its stage chain."""
        stage = df.stage_of(instr)
        own = self._marks(stage).get(mark, [])
        pos = position(df, instr)
        k = bisect_right(own, pos) if inclusive else bisect_left(own, pos)
        if k:
            return stage.instructions[own[k - 1]]

        def last(s):
            found = self._marks(s).get(mark)
            return s.instructions[found[-1]] if found else None

        return self._inherited(df, stage, ("earlier", mark), last, None)

    def later_stale(self, df: Dockerfile, instr: Instruction) -> Instruction | None:
        """The first RUN of ``instr``'s kind after it, in its stage and then in the stages built
        FROM it (directly or not, in file order), that installs with apt on stale lists."""
        mark = ("stale", instr.name)
        stage = df.stage_of(instr)
        own = self._marks(stage).get(mark, [])
        k = bisect_right(own, position(df, instr))
        if k < len(own):
            return stage.instructions[own[k]]
        key = ("later", mark)
        if key not in self.memo:
            self.memo[key] = self._descendants_stale(df, mark)
        return self.memo[key].get(id(stage))

    def _descendants_stale(self, df: Dockerfile, mark) -> dict[int, Instruction]:
        """For each named stage: the first marked RUN in the earliest later stage whose FROM
        names it, or names such a stage, and so on.  One pass from the last stage back: a
        stage's answer is the best one among the later stages built FROM its name."""
        best: dict[str, tuple[int, Instruction]] = {}  # FROM name -> (stage index, its RUN)
        found: dict[int, Instruction] = {}
        names = {stage.name for stage in df.stages if stage.name}
        for stage in reversed(df.stages):
            mine = best.get(stage.name) if stage.name else None
            if mine is not None:
                found[id(stage)] = mine[1]
            base = (stage.base or "").lower()
            if base not in names:
                continue  # best[base] is only read for a stage of that name
            own = self._marks(stage).get(mark)
            if own:
                mine = (stage.index, stage.instructions[own[0]])
            if mine is not None and (base not in best or mine[0] < best[base][0]):
                best[base] = mine
        return found


_CHAINS: WeakKeyDictionary[Dockerfile, _Chains] = WeakKeyDictionary()


def _chains(df: Dockerfile) -> _Chains:
    chains = _CHAINS.get(df)
    if chains is None:
        chains = _CHAINS[df] = _Chains(df)
    return chains
