"""What a shell-form RUN reads and writes, for the commands slimfix knows.

``run_footprint(instr, state)`` walks the shell-word view of a RUN.  Each command must be one
modelled here, with literal (or resolvable) arguments; anything else makes the RUN unknown,
and ``slimfix.analysis`` then treats it as reading and writing the whole image.

Modelled: package managers with literal package names (apt-get/apt, apk, yum/dnf/microdnf),
``pip install`` of literal requirement names, ``python -m venv``, user and group creation,
``mkdir``/``rm``/``ln``/``chmod``/``chown``/``tee``/``cat``/``sed`` on known paths, downloads
with ``curl``/``wget`` to known paths, ``tar -x`` into a known folder, ``gpg --dearmor``,
``cd``, and the builtins ``echo``, ``printf``, ``true``, ``:``, ``set``, ``export``, ``umask``.
Relative paths resolve against the WORKDIR in force (or a preceding ``cd``); a command that
uses one reports ``uses_cwd``.
"""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache

from slimfix.analysis import State, expand, normalize
from slimfix.cst import Instruction
from slimfix.cst.record import Record
from slimfix.lazy_re import Lazy
from slimfix.shell import Command, Word, script

PROGRAM_READS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/usr", "/etc", "/opt")
SYSTEM = (*PROGRAM_READS, "/var", "/tmp", "/run", "/root", "/boot")  # not /srv, not /home
USERS = ("/etc", "/home", "/var/mail", "/var/spool/mail")
_BUILTINS = frozenset({"echo", "printf", "true", "false", ":", "set", "export", "umask", "cd"})
_DEVICES = ("/dev/null", "/dev/stdout", "/dev/stderr", "/dev/stdin", "/dev/fd/")
# Checked only for the operands of some commands: compiled on first use, not at import on
# every ``slimfix -`` (``slimfix.lazy_re``).
_PKG_NAME = {
    "apt": Lazy(r"^[a-z0-9][a-z0-9+.\-]*(:[a-z0-9\-]+)?([=/][A-Za-z0-9.+:~_\-]+)?[+\-]?$"),
    "apk": Lazy(r"^[A-Za-z0-9][A-Za-z0-9+._\-]*([<>=~]+[A-Za-z0-9.+_\-]+)?$"),
    "rpm": Lazy(r"^[A-Za-z0-9@_][A-Za-z0-9+._:@\-]*$"),
}
_REQUIREMENT = Lazy(
    r"^[A-Za-z0-9]([A-Za-z0-9._\-]*[A-Za-z0-9])?(\[[A-Za-z0-9._,\-\s]+\])?"
    r"(\s*(===|~=|==|!=|<=|>=|<|>)\s*[A-Za-z0-9.*+!_\-]+(\s*,\s*(===|~=|==|!=|<=|>=|<|>)\s*[A-Za-z0-9.*+!_\-]+)*)?$"
)
_ARCHIVE = Lazy(r"\.(whl|zip|tar|tgz|tar\.gz|tar\.bz2|tar\.xz|deb|rpm|apk)$")
_USER_NAME = Lazy(r"^[A-Za-z_][A-Za-z0-9_.\-]*\$?$")
_URL = Lazy(r"^(https?|ftp)://")
_SHELL_ONLY = Lazy(r"`|\$[^A-Za-z_{]|\$$")
_WRAPPERS_THAT_MATTER = frozenset({"sudo", "env", "chroot", "su", "runuser", "gosu", "su-exec", "setpriv"})


class Unknown(Exception):
    """A command slimfix cannot bound; the message says why."""


class UnknownProgram(Unknown):
    """A program slimfix does not model at all."""


class Footprint(Record):
    """``reads``, ``writes``, ``uses_cwd``, ``unknown`` (non-empty: the RUN may touch anything),
    ``programs``, ``modelled`` (every command is one slimfix models: an unknown is in the
    arguments)."""

    __slots__ = _fields = ("reads", "writes", "uses_cwd", "unknown", "programs", "modelled")

    def __init__(self, reads: tuple[str, ...] = (), writes: tuple[str, ...] = (), uses_cwd: bool = False,
                 unknown: tuple[str, ...] = (), programs: tuple[str, ...] = (), modelled: bool = True) -> None:
        self.reads = reads
        self.writes = writes
        self.uses_cwd = uses_cwd
        self.unknown = unknown
        self.programs = programs
        self.modelled = modelled


class _Walk:
    """What a walk over a RUN's commands has found so far."""

    __slots__ = ("state", "cwd", "reads", "writes", "uses_cwd", "cwd_is_workdir", "_commands", "_script_text",
                 "_env_paths", "_env")

    def __init__(self, state: State, commands: tuple[Command, ...], script_text: str) -> None:
        self.state = state
        self.cwd: str | None = state.workdir
        self.reads: set[str] = set()
        self.writes: set[str] = set()
        self.uses_cwd = False
        self.cwd_is_workdir = True
        self._commands = commands
        self._script_text = script_text
        self._env_paths: tuple[str, ...] | None = None
        self._env: dict[str, str | None] | None = None

    @property
    def env_paths(self) -> tuple[str, ...]:
        """Absolute paths in ENV values and in the script's own assignments (computed when asked)."""
        if self._env_paths is None:
            self._env_paths = self.state.env_paths + _assigned_paths(self._commands)
        return self._env_paths

    @property
    def env(self) -> dict[str, str | None]:
        """What $NAME expands to; a name the script may set is unknown (computed when asked)."""
        if self._env is None:
            self._env = _shell_env(self.state, self._script_text)
        return self._env

    def value(self, word: Word) -> str | None:
        if word.value is not None:
            return word.value
        if _SHELL_ONLY.search(word.raw):
            return None  # $(...), `...`, $1, $@, $$: only the shell knows
        return expand(word.raw, self.env)  # a shell word: the escape is always a backslash

    def path(self, word: Word | str) -> str:
        text = word if isinstance(word, str) else self.value(word)
        raw = word if isinstance(word, str) else word.raw
        if text is None:
            raise Unknown(f"{raw} is not a known path")
        if text.startswith("~"):
            home = self.state.home
            if home is None or len(home) != 1:
                raise Unknown(f"{raw}: HOME is not known")
            text = home[0] + text[1:]
        if text.startswith("/"):
            return normalize(text)
        if self.cwd is None:
            raise Unknown(f"{raw} is relative to a working folder slimfix cannot see")
        if self.cwd_is_workdir:
            self.uses_cwd = True
        return normalize(posixpath.join(self.cwd, text))

    def home(self) -> tuple[str, ...]:
        home = self.state.home
        if home is None:
            raise Unknown("HOME of the USER in force is not known")
        return home


def run_footprint(instr: Instruction, state: State) -> Footprint:
    sem = instr.sem
    if sem.keyword != "RUN":
        return Footprint(unknown=("not a RUN",))
    if sem.json:
        return Footprint(unknown=("an exec-form RUN",))
    scr = script(instr)
    if scr is None or not scr.commands:
        return Footprint(unknown=("an empty RUN",))
    if scr.opaque:
        return Footprint(unknown=tuple(scr.opaque), modelled=False)
    walk = _Walk(state, scr.commands, sem.args)
    programs: list[str] = []
    try:
        for cmd in scr.commands:
            if cmd.redirects:
                _redirects(walk, cmd)
            if cmd.argv_index >= len(cmd.words):
                continue  # X=Y alone
            prog = cmd.program
            programs.append(prog)
            _command(walk, cmd, prog)
    except Unknown as exc:
        return Footprint(unknown=(str(exc),), programs=tuple(programs), modelled=not isinstance(exc, UnknownProgram))
    return Footprint(tuple(sorted(walk.reads)), tuple(sorted(walk.writes)), walk.uses_cwd, (), tuple(programs))


_SETS_VARIABLES = Lazy(r"\b(for|read|getopts|local|declare|typeset|readonly|export|unset|eval|source)\b|(^|[^\w$])\.\s")


def _shell_env(state: State, script_text: str) -> dict[str, str | None]:
    """The ENV values a ``$NAME`` in the script sees, unless the script itself may set NAME."""
    assigned = _assigned_names(script_text) if len(script_text) <= 1024 else _assigned_names.__wrapped__(script_text)
    if assigned is None:
        return {}
    values = state.values
    if not assigned:
        return values
    return {name: value for name, value in values.items() if not _assigns(script_text, assigned, name)}


def _assigns(script_text: str, assigned: frozenset[str], name: str) -> bool:
    if _WORD.fullmatch(name):
        return name in assigned
    return re.search(rf"(?<![\w$]){name}=", script_text) is not None  # a name BuildKit allows, sh does not


_WORD = Lazy(r"\w+")
_ASSIGNED = Lazy(r"(?<![\w$])(\w+)=")


@lru_cache(maxsize=1024)
def _assigned_names(script_text: str) -> frozenset[str] | None:
    r"""None when the script may set any variable, else the NAMEs in its ``NAME=`` words.

    A name made of word characters matches ``(?<![\w$])NAME=`` exactly when it is a whole run
    of word characters before a ``=``, not after a ``$``.
    """
    if _SETS_VARIABLES.search(script_text):
        return None
    return frozenset(_ASSIGNED.findall(script_text))


_ASSIGNED_PATH = Lazy(r"(?:^|[=:])(/[^:\s\"'$]*)")


def _assigned_paths(commands: tuple[Command, ...]) -> tuple[str, ...]:
    """Absolute paths in ``X=/p cmd`` and ``export X=/p``: later commands may read them."""
    found: list[str] = []
    for cmd in commands:
        export = cmd.program == "export"
        if not cmd.argv_index and not export:
            continue
        texts = [w.raw for w in cmd.words[: cmd.argv_index]]
        if export:
            texts += [w.raw for w in cmd.argv[1:]]
        for text in texts:
            found += _ASSIGNED_PATH.findall(text)
    return tuple(normalize(p) for p in found)


_REDIRECT = Lazy(r"^[0-9]*(&>>|&>|<<<|<>|>>|>&|<&|>\||>|<)")


def _redirects(walk: _Walk, cmd: Command) -> None:
    for r in cmd.redirects:
        op = _REDIRECT.match(r.raw)
        if op is None:
            raise Unknown(f"the redirect {r.raw}")
        kind = op.group(1)
        target = r.value if r.value is not None else expand(r.raw[op.end() :].strip(), walk.env)
        if kind in (">&", "<&") and target is not None and (target.isdigit() or target == "-"):
            continue
        if kind == "<<<":
            continue
        if target is not None and target.startswith(_DEVICES):
            continue
        path = walk.path(target if target is not None else r.raw)
        if kind.startswith("<"):
            walk.reads.add(path)
        if kind != "<" and kind != "<&":
            walk.writes.add(path)


def _command(walk: _Walk, cmd: Command, prog: str) -> None:
    argv = cmd.argv
    for word in cmd.words[: cmd.argv_index]:
        wrapper = word.text.rsplit("/", 1)[-1]
        if wrapper in _WRAPPERS_THAT_MATTER and not (wrapper == "env" and _plain_env(cmd)):
            raise UnknownProgram(f"`{wrapper}` may change the user, folder or environment")
    first = argv[0].text
    if "/" in first:
        walk.reads.add(walk.path(argv[0]))
    for word in argv[1:]:
        raw = word.raw
        if ("*" in raw or "?" in raw or "[" in raw) and _unquoted_glob(raw):  # sh matches it against the folder it names
            folder = (walk.value(word) or word.raw).rsplit("/", 1)[0] if "/" in word.raw else "."
            walk.reads.add(walk.path(folder or "/"))
    if prog in _BUILTINS:
        _builtin(walk, cmd)
        return
    args = list(argv[1:])
    if prog in ("apt-get", "apt"):
        _packages(walk, args, "apt", *_APT)
    elif prog == "apk":
        _packages(walk, args, "apk", *_APK)
    elif prog in ("yum", "dnf", "microdnf", "tdnf"):
        _packages(walk, args, "rpm", *_RPM)
    elif _PIP.fullmatch(prog):
        _pip(walk, args)
    elif _PYTHON.fullmatch(prog):
        _python(walk, args)
    elif prog in _USER_TOOLS:
        _user(walk, prog, args)
    elif prog in _FILE_TOOLS:
        _files(walk, prog, args)
    elif prog == "curl":
        _curl(walk, args)
    elif prog == "wget":
        _wget(walk, args)
    elif prog == "tar":
        _tar(walk, args)
    elif prog == "gpg":
        _gpg(walk, args)
    else:
        raise UnknownProgram(f"`{prog}` is not a command slimfix can bound")
    walk.reads.update(PROGRAM_READS)  # after the model: an unknown discards the walk
    walk.reads.update(walk.env_paths)


# each package manager's subcommands, options that take a value, and options slimfix refuses
_APT = (
    frozenset({"update", "install", "upgrade", "dist-upgrade", "full-upgrade", "clean", "autoclean", "autoremove",
               "remove", "purge"}),
    frozenset({"-o", "--option", "-t", "--target-release", "-c", "--config-file", "-a", "--host-architecture"}),
    frozenset(),
)
_APK = (
    frozenset({"add", "del", "update", "upgrade", "fix", "cache", "info"}),
    frozenset({"-t", "--virtual", "-X", "--repository", "--repositories-file", "--keys-dir", "--cache-dir", "--arch"}),
    frozenset({"-p", "--root"}),
)
_RPM = (
    frozenset({"install", "update", "upgrade", "clean", "makecache", "remove", "erase", "autoremove", "reinstall",
               "distro-sync", "groupinstall", "module"}),
    frozenset({"--setopt", "--enablerepo", "--disablerepo", "-c", "--config", "--releasever", "--repo", "-x",
               "--exclude"}),
    frozenset({"--installroot"}),
)
_PIP = Lazy(r"pip[0-9.]*")
_PYTHON = Lazy(r"python[0-9.]*")


def _unquoted_glob(raw: str) -> bool:
    if "*" not in raw and "?" not in raw and "[" not in raw:
        return False
    quote = ""
    escaped = False
    for ch in raw:
        if escaped:
            escaped = False
        elif ch == "\\" and quote != "'":
            escaped = True
        elif quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "*?[":
            return True
    return False


def _plain_env(cmd: Command) -> bool:
    """``env X=1 prog``: no option (``-C`` would change the folder, ``-i`` the environment)."""
    return not any(w.text.startswith("-") for w in cmd.words[: cmd.argv_index])


def _builtin(walk: _Walk, cmd: Command) -> None:
    if cmd.program != "cd":
        return
    args = cmd.argv[1:]
    if len(args) > 1:
        raise Unknown("cd with options")
    if cmd.depth:  # a cd inside a subshell or a compound command: lose track of the folder
        walk.cwd = None
        return
    if not args:
        home = walk.state.home
        walk.cwd = home[0] if home and len(home) == 1 else None
    else:
        try:
            walk.cwd = walk.path(args[0])
        except Unknown:
            walk.cwd = None
    walk.cwd_is_workdir = False


# ---- options ----------------------------------------------------------------------------


def _options(
    walk: _Walk,
    args: list[Word],
    flags: set[str] | frozenset[str] | None,
    valued: set[str] | frozenset[str],
    forbidden: frozenset[str] | set[str] = frozenset(),
) -> tuple[list[tuple[str, str | None]], list[Word]]:
    """Split ``args`` into options and operands; ``flags=None`` accepts any boolean option."""
    opts: list[tuple[str, str | None]] = []
    operands: list[Word] = []
    k = 0
    while k < len(args):
        word = args[k]
        text = walk.value(word)
        k += 1
        if text is None or not text.startswith("-") or text == "-":
            operands.append(word)
            continue
        if text == "--":
            operands.extend(args[k:])
            break
        name, eq, value = text.partition("=") if text.startswith("--") else (text, "", "")
        if name in forbidden:
            raise Unknown(f"{name} {_FORBIDDEN_WHY.get(name, 'points the command at another folder')}")
        if name in valued:
            if eq:
                opts.append((name, value))
            elif k < len(args):
                opts.append((name, walk.value(args[k])))
                k += 1
            else:
                raise Unknown(f"{name} without a value")
            continue
        if flags is None or name in flags:
            opts.append((name, None))
            continue
        if text.startswith("--"):
            raise Unknown(f"the option {name}")
        # a cluster of short options: -fsSLo FILE, -xzf FILE
        for j, ch in enumerate(text[1:]):
            short = "-" + ch
            if short in forbidden:
                raise Unknown(f"{short} {_FORBIDDEN_WHY.get(short, 'points the command at another folder')}")
            if short in valued:
                rest = text[j + 2 :]
                if rest:
                    opts.append((short, rest))
                elif k < len(args):
                    opts.append((short, walk.value(args[k])))
                    k += 1
                else:
                    raise Unknown(f"{short} without a value")
                break
            if flags is not None and short not in flags:
                raise Unknown(f"the option {short}")
            opts.append((short, None))
    return opts, operands


_FORBIDDEN_WHY = {
    "-r": "reads a requirements file",
    "--requirement": "reads a requirements file",
    "-c": "reads a constraints file",
    "--constraint": "reads a constraints file",
    "-e": "installs a local project",
    "--editable": "installs a local project",
}


def _paths_in(value: str | None) -> list[str]:
    if value is None:
        raise Unknown("an option value slimfix cannot read")
    return [normalize(p) for p in _OPTION_PATH.findall(value)]


_OPTION_PATH = Lazy(r"(?:^|[=:,])(/[^\s:,]*)")


# ---- package managers -------------------------------------------------------------------


def _packages(
    walk: _Walk,
    args: list[Word],
    family: str,
    subs: frozenset[str],
    valued: frozenset[str],
    forbidden: frozenset[str],
) -> None:
    opts, operands = _options(walk, args, None, valued, forbidden)
    for _, value in opts:
        if value is not None:
            walk.reads.update(_paths_in(value))
    if not operands:
        raise Unknown("a package manager call without a subcommand")
    sub = walk.value(operands[0])
    if sub not in subs:
        raise Unknown(f"the package manager subcommand {operands[0].raw}")
    for word in operands[1:]:
        name = walk.value(word)
        if name is None or not _PKG_NAME[family].match(name) or _ARCHIVE.search(name):
            raise Unknown(f"{word.raw} is not a literal package name")
    walk.reads.update(SYSTEM)
    walk.writes.update(SYSTEM)


_PIP_FLAGS = set(
    """--no-cache-dir -U --upgrade --user -q --quiet -v --verbose --no-deps --pre --prefer-binary
    --break-system-packages --no-compile --compile --disable-pip-version-check --force-reinstall -I
    --ignore-installed --no-warn-script-location --no-build-isolation --isolated --no-input --no-color
    --use-pep517 --no-index -y --yes""".split()
)
_PIP_VALUED = set(
    """--upgrade-strategy --root-user-action --progress-bar -i --index-url --extra-index-url --trusted-host
    --only-binary --no-binary --platform --python-version --implementation --abi --timeout --retries --proxy
    --exists-action -t --target --prefix --root --cache-dir -f --find-links""".split()
)


def _pip(walk: _Walk, args: list[Word]) -> None:
    opts, operands = _options(walk, args, _PIP_FLAGS, _PIP_VALUED, {"-r", "--requirement", "-e", "--editable",
                                                                      "-c", "--constraint", "--src"})
    if not operands or walk.value(operands[0]) not in ("install", "uninstall"):
        raise Unknown("a pip command other than install or uninstall")
    for word in operands[1:]:
        name = walk.value(word)
        if name is None or not _REQUIREMENT.match(name) or _ARCHIVE.search(name):
            raise Unknown(f"{word.raw} is not a literal requirement")
    for name, value in opts:
        if name in ("-t", "--target", "--prefix", "--root", "--cache-dir"):
            walk.writes.add(walk.path(value or ""))
        elif name in ("-f", "--find-links") and value and not _URL.match(value):
            walk.reads.add(walk.path(value))
    home = walk.home()
    walk.reads.update(home)
    walk.writes.update(("/usr", "/opt", "/tmp", *home))
    walk.writes.update(posixpath.dirname(p) or "/" for p in walk.env_paths)  # a venv's bin/ on PATH
    walk.writes.update(walk.env_paths)


def _python(walk: _Walk, args: list[Word]) -> None:
    values = [walk.value(w) for w in args[:2]]
    if values == ["-m", "pip"]:
        _pip(walk, args[2:])
        return
    if values == ["-m", "venv"]:
        _, operands = _options(walk, args[2:], {"--copies", "--symlinks", "--system-site-packages",
                                                   "--upgrade-deps", "--without-pip", "--clear", "--upgrade"},
                                  {"--prompt"})
        if not operands:
            raise Unknown("python -m venv without a folder")
        walk.writes.update(walk.path(w) for w in operands)
        return
    raise UnknownProgram("python runs a program slimfix cannot see")


# ---- users ------------------------------------------------------------------------------


_USER_TOOLS = {
    "useradd": (
        {"-m", "--create-home", "-M", "--no-create-home", "-r", "--system", "-U", "--user-group", "-N",
         "--no-user-group", "-l", "--no-log-init", "-o", "--non-unique"},
        {"-d", "--home-dir", "-s", "--shell", "-u", "--uid", "-g", "--gid", "-G", "--groups", "-c", "--comment",
         "-e", "--expiredate", "-f", "--inactive", "-k", "--skel", "-K", "--key", "-p", "--password", "-b",
         "--base-dir"},
        1,
    ),
    "adduser": (
        {"--system", "--group", "--disabled-password", "--disabled-login", "--no-create-home", "--quiet", "-q",
         "--debug", "--force-badname", "--allow-bad-names", "--allow-all-names", "-S", "-D", "-H",
         "--add_extra_groups", "--add-extra-groups"},
        {"--home", "--shell", "--uid", "--gid", "--ingroup", "--gecos", "--comment", "--firstuid", "--lastuid",
         "--firstgid", "--lastgid", "-h", "-g", "-s", "-G", "-u", "-k"},
        2,
    ),
    "groupadd": (
        {"-r", "--system", "-f", "--force", "-o", "--non-unique"},
        {"-g", "--gid", "-K", "--key", "-p", "--password"},
        1,
    ),
    "addgroup": ({"--system", "-S", "--quiet", "-q"}, {"--gid", "-g"}, 2),
}
_HOME_OPTS = {"-d", "--home-dir", "--home", "-b", "--base-dir"}


def _user(walk: _Walk, prog: str, args: list[Word]) -> None:
    flags, valued, most = _USER_TOOLS[prog]  # busybox adduser: -h is the home folder
    opts, operands = _options(walk, args, flags, valued, {"-R", "--root", "-P", "--prefix"})
    if not 1 <= len(operands) <= most:
        raise Unknown(f"{prog} with {len(operands)} names")
    for word in operands:
        name = walk.value(word)
        if name is None or not _USER_NAME.match(name):
            raise Unknown(f"{word.raw} is not a literal user or group name")
    for name, value in opts:
        if name in _HOME_OPTS or (prog == "adduser" and name == "-h"):
            walk.writes.add(walk.path(value or ""))
        elif name in ("-k", "--skel"):
            walk.reads.add(walk.path(value or ""))
    walk.reads.add("/etc")
    walk.writes.update(USERS)


# ---- files ------------------------------------------------------------------------------


_FILE_TOOLS = {
    # program: (flags, valued options, how many leading operands are not paths, reads, writes)
    "mkdir": ({"-p", "--parents", "-v", "--verbose"}, {"-m", "--mode"}, 0, False, True),
    "rm": ({"-r", "-R", "-f", "-v", "-d", "--recursive", "--force", "--verbose", "--dir", "--one-file-system",
            "--preserve-root"}, set(), 0, False, True),
    "chmod": ({"-R", "-v", "-c", "-f", "--recursive", "--verbose", "--changes", "--silent", "--quiet"},
              set(), 1, True, True),
    "chown": ({"-R", "-v", "-c", "-f", "-h", "--recursive", "--verbose", "--changes", "--silent", "--quiet",
               "--no-dereference", "--dereference"}, set(), 1, True, True),
    "chgrp": ({"-R", "-v", "-c", "-f", "-h", "--recursive", "--verbose", "--changes", "--silent", "--quiet",
               "--no-dereference", "--dereference"}, set(), 1, True, True),
    "tee": ({"-a", "--append", "-i", "--ignore-interrupts"}, set(), 0, False, True),
    "cat": ({"-A", "-b", "-e", "-E", "-n", "-s", "-t", "-T", "-u", "-v"}, set(), 0, True, False),
    "ln": ({"-s", "-f", "-n", "-v", "-T", "-r", "--symbolic", "--force", "--no-dereference", "--relative"},
           set(), 0, False, False),
    "sed": ({"-E", "-r", "-n", "-s", "-z", "--regexp-extended", "--quiet", "--silent", "--separate",
             "--null-data"}, {"-e", "--expression", "-f", "--file"}, 1, True, False),
}


def _files(walk: _Walk, prog: str, args: list[Word]) -> None:
    flags, valued, skip, reads, writes = _FILE_TOOLS[prog]
    if prog == "sed":
        in_place = [w for w in args if (walk.value(w) or "").startswith(("-i", "--in-place"))]
        args = [w for w in args if w not in in_place]
        writes = bool(in_place)
    opts, operands = _options(walk, args, flags, valued)
    if prog == "sed" and any(n in ("-e", "--expression") for n, _ in opts):
        skip = 0
    for name, value in opts:
        if name in ("-f", "--file") and prog == "sed":
            walk.reads.add(walk.path(value or ""))
    if len(operands) < skip:
        raise Unknown(f"{prog} without operands")
    if prog == "chmod" and any((walk.value(w) or "").startswith("-") for w in operands):
        raise Unknown("chmod with a mode like -x")
    paths = [walk.path(w) for w in operands[skip:] if walk.value(w) != "-"]
    if prog == "ln":
        symbolic = any(n in ("-s", "--symbolic") for n, _ in opts)
        if len(paths) == 1:
            paths.append(walk.path("."))
        *targets, link = paths
        walk.writes.add(link)
        if not symbolic:
            walk.reads.update(targets)
        return
    if reads:
        walk.reads.update(paths)
    if writes:
        walk.writes.update(paths)


# ---- downloads --------------------------------------------------------------------------


_CURL_FLAGS = set(
    """-f -s -S -L -k -v -q -4 -6 -I -g -N -# --fail --fail-with-body --fail-early --silent --show-error
    --location --insecure --compressed --create-dirs --http1.1 --http2 --tlsv1.2 --tlsv1.3 --no-progress-meter
    --progress-bar --retry-all-errors --retry-connrefused -O --remote-name --remote-name-all -J
    --remote-header-name""".split()
)
_CURL_VALUED = set(
    """-o --output --output-dir -H --header -A --user-agent -u --user -X --request -m --max-time
    --connect-timeout --retry --retry-delay --retry-max-time --proto --proto-redir -w --write-out -e --referer
    -x --proxy --cacert --resolve -r --range -C --continue-at --limit-rate""".split()
)


def _curl(walk: _Walk, args: list[Word]) -> None:
    opts, operands = _options(walk, args, _CURL_FLAGS, _CURL_VALUED)
    _urls(walk, operands)
    out_dir = None
    for name, value in opts:
        if name == "--output-dir":
            out_dir = walk.path(value or "")
    for name, value in opts:
        if name in ("-o", "--output"):
            if value is not None and out_dir and not value.startswith("/"):
                walk.writes.add(normalize(posixpath.join(out_dir, value)))
            elif value != "-":
                walk.writes.add(walk.path(value or ""))
        elif name in ("-O", "--remote-name", "--remote-name-all", "-J", "--remote-header-name"):
            walk.writes.add(out_dir or walk.path("."))
        elif name == "--cacert":
            walk.reads.add(walk.path(value or ""))
    walk.reads.update(walk.home())  # ~/.curlrc


def _wget(walk: _Walk, args: list[Word]) -> None:
    opts, operands = _options(
        walk, args,
        {"-q", "--quiet", "-nv", "--no-verbose", "--no-check-certificate", "-c", "--continue", "--show-progress",
         "--https-only", "-nc", "--no-clobber"},
        {"-O", "--output-document", "-P", "--directory-prefix", "-t", "--tries", "-T", "--timeout", "-U",
         "--user-agent", "--header", "--progress"},
    )
    _urls(walk, operands)
    target = None
    for name, value in opts:
        if name in ("-O", "--output-document"):
            target = "-" if value == "-" else walk.path(value or "")
        elif name in ("-P", "--directory-prefix") and target is None:
            target = walk.path(value or "")
    if target is None:
        target = walk.path(".")
    if target != "-":
        walk.writes.add(target)
    walk.reads.update(walk.home())  # ~/.wgetrc


def _urls(walk: _Walk, operands: list[Word]) -> None:
    if not operands:
        raise Unknown("a download without a URL")
    for word in operands:
        if not _URL.match(word.raw.strip("'\"")):
            raise Unknown(f"{word.raw} is not an http(s) URL")


def _tar(walk: _Walk, args: list[Word]) -> None:
    if args and not (walk.value(args[0]) or "-").startswith("-"):
        first = walk.value(args[0]) or ""
        args = [Word("-" + first, "-" + first, args[0].start, args[0].end), *args[1:]]
    opts, operands = _options(
        walk, args,
        {"-x", "--extract", "--get", "-z", "--gzip", "-j", "--bzip2", "-J", "--xz", "-v", "--verbose", "-o",
         "--no-same-owner", "--no-same-permissions", "--overwrite", "-k", "--keep-old-files", "--wildcards",
         "-p", "--same-permissions"},
        {"-f", "--file", "-C", "--directory", "--strip-components", "--exclude"},
    )
    if not any(n in ("-x", "--extract", "--get") for n, _ in opts):
        raise Unknown("tar in a mode other than extract")
    folder = walk.path(".") if not any(n in ("-C", "--directory") for n, _ in opts) else None
    for name, value in opts:
        if name in ("-f", "--file") and value != "-":
            walk.reads.add(walk.path(value or ""))
        elif name in ("-C", "--directory"):
            folder = walk.path(value or "")
    walk.writes.add(folder or "/")
    del operands  # member names: they land inside the folder


def _gpg(walk: _Walk, args: list[Word]) -> None:
    opts, operands = _options(walk, args, {"--dearmor", "--enarmor", "--batch", "--yes", "--no-tty", "-q", "--quiet",
                                           "--no-default-keyring"}, {"-o", "--output", "--keyring"})
    for word in operands:
        walk.reads.add(walk.path(word))
    for name, value in opts:
        if value is not None or name in ("-o", "--output", "--keyring"):
            path = walk.path(value or "")
            walk.writes.add(path)
            if name == "--keyring":
                walk.reads.add(path)
    home = walk.home()
    walk.reads.update(home)
    walk.writes.update(home)  # ~/.gnupg
