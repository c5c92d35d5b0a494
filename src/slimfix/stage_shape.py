"""The shape of a final stage that builds its dependencies with tools it then ships.

``analyse(df, stage)`` sorts the stage's instructions for a builder/app split (SF301):
which RUNs install packages (and which of those are build tools), which RUN installs the
dependencies and how (``pip install --user``, a virtual environment, ``npm ci``, ``go
build -o``), what the builder needs before that install, and what the app carries.  It
says why a stage cannot be split yet (``waits_for``: another transform's fix comes first)
or at all (``problem``), so the transform never guesses.
"""

from __future__ import annotations

import posixpath
import re

from slimfix.analysis import State, advance, stage_steps
from slimfix.cst import Dockerfile, Instruction, Stage
from slimfix.cst.record import Frozen
from slimfix.cst.record import init_field as _set
from slimfix.installs import installer, recognise
from slimfix.runtime_libs import Distro, Package, Role, classify, distro_of
from slimfix.shell import Command, Script, Word, script

PIP_USER_HOME = "/root/.local"
VENV = "/opt/venv"
_PYTHON = r"^python(3(\.\d+)?)?$"  # compiled on first use
# pip install options that take a value as the next word
_PIP_VALUE_OPTIONS = frozenset(
    ["-r", "--requirement", "-c", "--constraint", "-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--trusted-host", "--platform", "--python-version", "--implementation", "--abi", "--progress-bar", "--cache-dir", "--log", "--timeout", "--retries", "--exists-action", "--proxy", "--cert", "--client-cert", "--no-binary", "--only-binary", "--upgrade-strategy", "--root-user-action", "-C", "--config-settings"]
)
_PIP_ELSEWHERE = frozenset({"--target", "-t", "--prefix", "--root", "-e", "--editable", "--src"})
_APT_VALUE_OPTIONS = frozenset({"-o", "--option", "-t", "--target-release", "-c", "--config-file"})
_APK_VALUE_OPTIONS = frozenset({"-t", "--virtual", "-X", "--repository", "--root", "-p"})
_APT_HOUSEKEEPING = frozenset({"update", "clean", "autoclean", "upgrade", "dist-upgrade"})
_APK_HOUSEKEEPING = frozenset({"update", "cache", "upgrade"})
_CACHE_DIRS = ("/var/lib/apt/lists", "/var/cache/apt", "/var/cache/apk", "/tmp")
BOTH = frozenset({"ARG", "ENV", "SHELL", "WORKDIR"})  # needed by both stages
APP_ONLY = frozenset({"LABEL", "EXPOSE", "VOLUME", "STOPSIGNAL", "HEALTHCHECK", "CMD", "ENTRYPOINT", "MAINTAINER"})


# Records written by hand like ``engine.Edit`` (a dataclass costs start-up time).


class PackageRun(Frozen):
    """A RUN that only manages apt or apk packages."""

    __slots__ = _fields = ("instr", "manager", "packages", "no_recommends", "noninteractive")
    instr: Instruction
    manager: str  # "apt" or "apk"
    packages: tuple[Package, ...]
    no_recommends: bool  # every apt-get install in it skips recommended packages
    noninteractive: bool  # it sets DEBIAN_FRONTEND=noninteractive on the install

    def __init__(
        self, instr: Instruction, manager: str, packages: tuple[Package, ...], no_recommends: bool, noninteractive: bool
    ) -> None:
        for name, value in zip(self._fields, (instr, manager, packages, no_recommends, noninteractive)):
            _set(self, name, value)

    @property
    def tools(self) -> tuple[Package, ...]:
        return tuple(p for p in self.packages if p.role is not Role.RUNTIME)


class Shape(Frozen):
    """A final stage with build tools, sorted for a builder/app split."""

    __slots__ = _fields = (
        "stage", "tool_run", "tools", "problem", "waits_for", "kind", "install", "deps", "bin_dir", "make_venv",
        "runtime", "manager", "no_recommends", "noninteractive", "builder", "app_pre", "package_runs", "app_post",
        "has_path", "activate", "unsafe",
    )
    stage: Stage
    tool_run: Instruction  # the first RUN that installs a build tool
    tools: tuple[Package, ...]  # every build package the stage installs
    problem: str  # why the stage cannot be split; empty when it can
    waits_for: str  # the code whose fix must come first ("SF201"), if any
    kind: str  # "pip-user", "venv", "node" or "go"
    install: Instruction | None  # the last RUN of the dependency install
    deps: str  # what the app copies from the builder
    bin_dir: str  # what the app puts on PATH ("" for none)
    make_venv: Instruction | None  # insert the venv before this instruction
    runtime: tuple[str, ...]  # packages the app installs
    manager: str
    no_recommends: bool
    noninteractive: bool
    builder: tuple[Instruction, ...]  # instructions after FROM the builder keeps
    app_pre: tuple[Instruction, ...]  # instructions before the install the app keeps
    package_runs: tuple[Instruction, ...]  # where the app's runtime RUN goes
    app_post: tuple[Instruction, ...]  # instructions after the install
    has_path: bool  # the stage already puts ``bin_dir`` on PATH
    activate: bool  # also set VIRTUAL_ENV: Poetry installs into the venv only then
    unsafe: tuple[str, ...]  # why the split may change the image

    def __init__(
        self, stage: Stage, tool_run: Instruction, tools: tuple[Package, ...], problem: str = "", waits_for: str = "",
        kind: str = "", install: Instruction | None = None, deps: str = "", bin_dir: str = "",
        make_venv: Instruction | None = None, runtime: tuple[str, ...] = (), manager: str = "apt",
        no_recommends: bool = True, noninteractive: bool = False, builder: tuple[Instruction, ...] = (),
        app_pre: tuple[Instruction, ...] = (), package_runs: tuple[Instruction, ...] = (),
        app_post: tuple[Instruction, ...] = (), has_path: bool = False, activate: bool = False,
        unsafe: tuple[str, ...] = (),
    ) -> None:
        values = (stage, tool_run, tools, problem, waits_for, kind, install, deps, bin_dir, make_venv, runtime, manager,
                  no_recommends, noninteractive, builder, app_pre, package_runs, app_post, has_path, activate, unsafe)
        for name, value in zip(self._fields, values):
            _set(self, name, value)

    @property
    def ready(self) -> bool:
        return not self.problem and not self.waits_for


def analyse(df: Dockerfile, stage: Stage) -> Shape | None:
    """The split of ``stage``; None when it installs no build tools or no dependencies."""
    body = stage.instructions[1:]
    run_body = [i for i in body if i.name == "RUN"]
    if not any(_installs_dependencies(i) for i in run_body):
        return None  # nothing installs dependencies: no mixed RUN, and nothing to split
    states = {id(step.instr): step.state for step in stage_steps(df, stage)}
    distro = distro_of(root_image(df, stage))
    runs = {id(i): package_run(i, distro) for i in run_body}
    tool_runs = [i for i in run_body if runs[id(i)] and runs[id(i)].tools]
    mixed = [i for i in run_body if runs[id(i)] is None and _installs_tools(i, distro)]
    if mixed:
        line = df.lines_of(mixed[0])[0]
        return Shape(stage, mixed[0], _tools_of(mixed[0], distro), problem=(
            f"line {line} installs build tools and dependencies in one RUN; give the package install a RUN of its own"
        ))
    installs = [i for i in run_body if dependency_commands(i) is not None]
    if not tool_runs or not installs:
        return None
    base = Shape(stage, tool_runs[0], tuple(p for i in tool_runs for p in runs[id(i)].tools))
    install = installs[-1]
    k = body.index(install)
    pre, post = body[: k + 1], body[k + 1 :]
    at_install = states[id(install)]
    kind = _kind(df, pre, installs, at_install)
    if kind.startswith("!"):
        return _no(base, kind[1:])
    for instr in body:
        if instr.name == "WORKDIR" and not _absolute(instr.value[0] if instr.value else ""):
            return base.replace(waits_for="SF403", problem=f"line {df.lines_of(instr)[0]} sets a relative WORKDIR; make it absolute first (SF403)")
    builder: list[Instruction] = []
    app_pre: list[Instruction] = []
    pkg_runs: list[Instruction] = []
    copies = _context_copies(body)
    for at, instr in enumerate(pre):
        name = instr.name
        line = df.lines_of(instr)[0]
        if name in BOTH:
            builder.append(instr)
            app_pre.append(instr)
        elif name in APP_ONLY:
            app_pre.append(instr)
        elif name == "COPY" and instr.flags and instr.sem.flag("from"):
            builder.append(instr)
            app_pre.append(instr)
        elif name == "COPY":
            if _whole_context(instr) and kind != "go":
                return base.replace(
                    waits_for="SF201",
                    problem=f"line {line} copies the whole build context before the dependency install; copy only the dependency manifests first (SF201)",
                )
            builder.append(instr)
            if not _covered(instr, at, copies, states):
                app_pre.append(instr)
        elif name == "RUN" and runs[id(instr)] is not None:
            builder.append(instr)
            pkg_runs.append(instr)
        elif name == "RUN" and dependency_commands(instr) is not None:
            builder.append(instr)
        elif name == "RUN":
            return _no(base, f"line {line} runs a command before the dependency install that slimfix cannot place in one stage")
        else:
            return _no(base, f"line {line} has {name} before the dependency install")
    for instr in post:
        found = runs.get(id(instr))
        if found is not None and found.tools:
            return _no(base, f"line {df.lines_of(instr)[0]} installs build tools after the dependency install")
    unsafe = [
        f"line {df.lines_of(i)[0]} runs in the app stage, which no longer has the build tools"
        for i in post
        if i.name == "RUN" and runs.get(id(i)) is None
    ]
    if any(i.name == "ONBUILD" for i in body):
        unsafe.append("the stage has ONBUILD triggers")
    runtime: list[str] = []
    managers = {runs[id(i)].manager for i in pkg_runs}
    if len(managers) > 1:
        return _no(base, "the stage installs packages with both apt and apk")
    for i in pkg_runs:
        for pkg in runs[id(i)].packages:
            if pkg.role is Role.UNKNOWN:
                return _no(base, pkg.reason)
            runtime.extend(p for p in pkg.runtime if p not in runtime)
    keeps = any(p.role is Role.RUNTIME for i in pkg_runs for p in runs[id(i)].packages)
    deps, bin_dir, make_venv = _deps(df, kind, pre, install, at_install)
    if deps.startswith("!"):
        return _no(base, deps[1:])
    if kind == "venv" and _names_system_python(post):
        unsafe.append("a command names the system Python, which does not see the virtual environment")
    return base.replace(
        kind=kind, install=install, deps=deps, bin_dir=bin_dir, make_venv=make_venv,
        runtime=tuple(runtime), manager=next(iter(managers), "apt"),
        no_recommends=not keeps or all(runs[id(i)].no_recommends for i in pkg_runs),
        noninteractive=any(runs[id(i)].noninteractive for i in pkg_runs),
        builder=tuple(builder), app_pre=tuple(app_pre), package_runs=tuple(pkg_runs),
        activate=make_venv is not None and any(c.program == "poetry" for i in installs for c in dependency_commands(i) or ()),
        app_post=tuple(post), has_path=bool(bin_dir) and _path_has(advance(body[-1], states[id(body[-1])]), bin_dir), unsafe=tuple(unsafe),
    )


def _no(shape: Shape, reason: str) -> Shape:
    return shape.replace(problem=reason)


def root_image(df: Dockerfile, stage: Stage) -> str:
    """The image a stage starts from, following ``FROM <earlier stage>``."""
    names = {s.name: s for s in df.stages if s.name is not None and s.index < stage.index}
    base = stage.base or ""
    seen = 0
    while base.lower() in names and seen < len(names):
        base = names[base.lower()].base or ""
        seen += 1
    return base


# ---- package RUNs -----------------------------------------------------------------------


def package_run(instr: Instruction, distro: Distro) -> PackageRun | None:
    """The RUN as a package install, or None when it does anything else."""
    scr = script(instr)
    if scr is None or scr.opaque or not scr.commands:
        return None
    # a function of the shell view and the distribution: kept with the view, which a re-parsed
    # instruction (the fix loop's next pass, an alike file in a batch) gets back unchanged
    memo = scr.__dict__.get("_package_runs")
    if memo is None:
        memo = scr.__dict__["_package_runs"] = {}
    found = memo.get(distro, _UNSEEN)
    if found is _UNSEEN:
        found = memo[distro] = _package_run(scr, distro)
    return None if found is None else PackageRun(instr, *found)


_UNSEEN = object()


def _package_run(scr: Script, distro: Distro) -> tuple[str, tuple[Package, ...], bool, bool] | None:
    """``package_run``'s manager, packages, no_recommends and noninteractive."""
    manager = ""
    packages: list[Package] = []
    no_recommends = True
    noninteractive = False
    for cmd in scr.commands:
        install = _install_words(cmd)
        if install is None:
            if not _housekeeping(cmd):
                return None
            if cmd.program != "rm":
                manager = manager or ("apk" if cmd.program == "apk" else "apt")
            continue
        words, found = install
        if found == "apt":
            no_recommends = no_recommends and (
                cmd.has_flag("--no-install-recommends") or "APT::Install-Recommends=false" in cmd.args
            )
            noninteractive = noninteractive or cmd.assignments.get("DEBIAN_FRONTEND") == "noninteractive"
        if manager and manager != found:
            return None
        manager = found
        for w in words:
            if w.value is None:
                packages.append(Package(w.raw, w.raw, Role.UNKNOWN, reason=f"the package list holds {w.raw}, which slimfix cannot read"))
            else:
                packages.append(classify(w.value, found, distro))
    if not manager:
        return None
    return manager, tuple(packages), no_recommends, noninteractive


def _install_words(cmd: Command) -> tuple[list[Word], str] | None:
    """The package words of ``apt-get install`` / ``apk add`` and the manager, else None."""
    prog = cmd.program
    if prog in ("apt-get", "apt") and cmd.subcommand() == "install":
        return _operands(cmd, "install", _APT_VALUE_OPTIONS), "apt"
    if prog == "apk" and cmd.subcommand() == "add":
        return _operands(cmd, "add", _APK_VALUE_OPTIONS), "apk"
    return None


def _operands(cmd: Command, sub: str, value_options: frozenset[str]) -> list[Word]:
    """The words after the subcommand that are not options or option values."""
    argv = cmd.argv
    out: list[Word] = []
    k = next(i for i, w in enumerate(argv) if i > 0 and w.text == sub) + 1
    skip = False
    for w in argv[k:]:
        if skip:
            skip = False
        elif w.text.startswith("-"):
            skip = w.text in value_options
        else:
            out.append(w)
    return out


def _housekeeping(cmd: Command) -> bool:
    prog = cmd.program
    if prog in ("apt-get", "apt"):
        return cmd.subcommand() in _APT_HOUSEKEEPING
    if prog == "apk":
        return cmd.subcommand() in _APK_HOUSEKEEPING
    if prog == "rm":
        paths = cmd.operands()
        return bool(paths) and all(p.startswith(_CACHE_DIRS) for p in paths)
    return False


def _installs_dependencies(instr: Instruction) -> bool:
    """A command of the RUN installs dependencies: what both ``_installs_tools`` and
    ``dependency_commands`` require before anything else."""
    return any(_kinds(instr) or ())


def _kinds(instr: Instruction) -> tuple[str, ...] | None:
    """``_dependency_kind`` of each command; None without a complete shell view.  Kept on the
    shell view it reads (``shell.script``), of which it is a function: asked for several times
    per analysis, and found again by an unchanged instruction of the fix loop's next pass."""
    scr = script(instr)
    if scr is None or scr.opaque:
        return None
    memo = scr.__dict__
    if "_dependency_kinds" not in memo:
        memo["_dependency_kinds"] = tuple(map(_dependency_kind, scr.commands))
    return memo["_dependency_kinds"]


def _installs_tools(instr: Instruction, distro: Distro) -> bool:
    """A RUN that installs build tools and dependencies together and does not remove the tools."""
    if not _installs_dependencies(instr):
        return False
    scr = script(instr)
    removes = any(
        (c.program in ("apt-get", "apt") and c.subcommand() in ("purge", "remove", "autoremove"))
        or (c.program == "apk" and c.subcommand() == "del")
        for c in scr.commands
    )
    return not removes and bool(_tools_of(instr, distro))


def _tools_of(instr: Instruction, distro: Distro) -> tuple[Package, ...]:
    scr = script(instr)
    found: list[Package] = []
    for cmd in scr.commands if scr else ():
        install = _install_words(cmd)
        if install is None:
            continue
        words, manager = install
        found.extend(
            p for p in (classify(w.value, manager, distro) for w in words if w.value is not None) if p.role is not Role.RUNTIME
        )
    return tuple(found)


# ---- the dependency install -------------------------------------------------------------


def dependency_commands(instr: Instruction) -> tuple[Command, ...] | None:
    """The commands of a RUN that only installs dependencies (pip, poetry, npm, go)."""
    kinds = _kinds(instr)
    if not kinds or not any(kinds):
        return None
    commands = script(instr).commands
    if all(k or _cache_cleanup(c) for c, k in zip(commands, kinds)):
        return tuple(c for c, k in zip(commands, kinds) if k)
    return None


def _cache_cleanup(cmd: Command) -> bool:
    """``npm cache clean --force`` and friends, which SF102 appends to an install."""
    if cmd.program in ("npm", "yarn", "pip", "pip3", "poetry") and cmd.subcommand() == "cache":
        return True
    if cmd.program == "rm":
        paths = cmd.operands()
        return bool(paths) and all(p.startswith(("/root/.cache", "/root/.npm", "/tmp/")) for p in paths)
    return False


_TOOL_KINDS = {"pip": "pip", "poetry": "poetry", "npm": "node", "yarn": "node", "go": "go-mod"}


def _dependency_kind(cmd: Command) -> str:
    prog = cmd.program
    if not installer(prog):
        return ""  # most commands; python, poetry and go, checked below, are installers
    found = recognise(cmd)
    if found is not None:
        if found.tool == "pip" and found.verb != "install":
            return ""
        return _TOOL_KINDS.get(found.tool, "")
    if prog.startswith("python") and re.match(_PYTHON, prog) and cmd.args[1:3] == ("-m", "venv"):
        return "venv"
    if cmd.is_("poetry", "config"):
        return "poetry"
    if cmd.is_("go", "build"):
        return "go"
    return ""


def _kind(df: Dockerfile, pre: tuple[Instruction, ...], installs: list[Instruction], state: State) -> str:
    """``pip-user``, ``venv``, ``node`` or ``go``; a reason after ``!`` when none fits."""
    kinds: set[str] = set()
    user = set()
    for instr in installs:
        line = df.lines_of(instr)[0]
        for cmd in dependency_commands(instr) or ():
            kind = _dependency_kind(cmd)
            if kind == "pip":
                texts = [a if a is not None else "$" for a in recognise(cmd).args]
                if "/" in cmd.argv[0].text:
                    return f"!line {line} runs pip by its path"
                if any(t.split("=", 1)[0] in _PIP_ELSEWHERE for t in texts):
                    return f"!line {line} installs into a place of its own or in editable mode"
                operands = _pip_operands(texts)
                if any(_local_path(t) for t in operands):
                    return f"!line {line} installs the project's own source, which the builder does not have yet"
                kinds.add("python")
                upgrades_pip = bool(operands) and _pip_itself(operands) and all(
                    not t.startswith("-") or t in _PIP_SELF_OPTIONS for t in texts
                )
                if not upgrades_pip:  # an upgrade of pip itself fits either way
                    user.add("--user" in texts)
            elif kind in ("venv", "poetry"):
                kinds.add("python")
                user.add(False)
            elif kind == "go-mod":
                kinds.add("go-mod")
            else:
                if kind == "node" and (_npm_global(cmd) or _npm_operands(cmd)):
                    return f"!line {line} installs packages by name or globally, outside node_modules of the project"
                kinds.add(kind)
    if kinds - {"go-mod"}:
        kinds.discard("go-mod")
    if len(kinds) != 1:
        return "!the stage installs dependencies in more than one way" if kinds else "!no dependency install slimfix knows"
    kind = kinds.pop()
    if kind == "python":
        if not user:
            return "!the stage only upgrades pip itself"
        if len(user) > 1:
            return "!the stage mixes pip install --user with other installs"
        if _poetry_makes_venv(pre, state):
            return "!poetry installs into a virtual environment of its own (set virtualenvs.create false)"
        return "pip-user" if user.pop() else "venv"
    if kind == "go-mod":
        return "!the stage downloads Go modules but builds nothing slimfix can copy"
    return kind


_PIP_SELF = frozenset({"pip", "setuptools", "wheel"})
_PIP_SELF_OPTIONS = frozenset({"-U", "--upgrade", "--no-cache-dir", "-q", "--quiet", "--user"})


def _pip_itself(operands: list[str]) -> bool:
    return all(re.split(r"[<>=!~\[ ]", op, maxsplit=1)[0].lower() in _PIP_SELF for op in operands)


def _npm_global(cmd: Command) -> bool:
    return any(a in ("-g", "--global", "--location=global") for a in cmd.args)


def _npm_operands(cmd: Command) -> bool:
    """``npm install express``: packages named on the command line."""
    return cmd.program == "npm" and len(cmd.operands()) > 1


def _poetry_makes_venv(pre: tuple[Instruction, ...], state: State) -> bool:
    commands = [c for i in pre if i.name == "RUN" for c in dependency_commands(i) or ()]
    if not any(c.is_("poetry", "install", "sync") for c in commands):
        return False
    if (state.values.get("POETRY_VIRTUALENVS_CREATE") or "").lower() in ("false", "0"):
        return False
    return not any(c.is_("poetry", "config") and c.args[-2:] == ("virtualenvs.create", "false") for c in commands)


def _pip_operands(args: list[str]) -> list[str]:
    out: list[str] = []
    skip = False
    for a in args:
        if skip:
            skip = False
        elif a.startswith("-"):
            skip = a in _PIP_VALUE_OPTIONS
        else:
            out.append(a)
    return out


def _local_path(text: str) -> bool:
    return text == "$" or text.startswith((".", "/", "~", "file:")) or text.endswith((".whl", ".tar.gz", ".zip"))


def _deps(df: Dockerfile, kind: str, pre: tuple[Instruction, ...], install: Instruction, state: State) -> tuple[str, str, Instruction | None]:
    """What the app copies from the builder, what goes on PATH, where a venv goes."""
    env = state.values
    workdir = state.workdir
    if kind == "pip-user":
        if "HOME" in env or "PYTHONUSERBASE" in env:
            return "!the stage moves the pip --user folder (HOME or PYTHONUSERBASE)", "", None
        return PIP_USER_HOME, PIP_USER_HOME + "/bin", None
    if kind == "venv":
        made = _existing_venv(pre)
        if made == "":
            return "!the virtual environment's path is not a literal absolute path", "", None
        if made is not None:
            if not _path_has(state, made + "/bin"):
                return f"!the virtual environment {made} is not on PATH before the install", "", None
            return made, made + "/bin", None
        if "VIRTUAL_ENV" in env or "PIP_TARGET" in env or "PIP_PREFIX" in env:
            return "!the stage points pip somewhere of its own", "", None
        if root_image(df, df.stage_of(install)).split("@")[0].split(":")[0].rsplit("/", 1)[-1] != "python":
            return "!a plain pip install outside a python image: slimfix cannot tell how to make a virtual environment there", "", None
        before = next(
            (i for i in pre if (i.name == "COPY" and not i.sem.flag("from")) or dependency_commands(i) is not None),
            install,
        )
        return VENV, VENV + "/bin", before
    if kind == "node":
        if workdir is None:
            return "!npm installs into the base image's working directory, which slimfix does not know", "", None
        return posixpath.join(workdir, "node_modules"), "", None
    out = _go_output(install)
    if out is None:
        return "!go build has no -o naming the binary", "", None
    if not out.startswith("/"):
        if workdir is None:
            return "!go build writes to a relative path under an unknown working directory", "", None
        out = posixpath.normpath(posixpath.join(workdir, out))
    return out, "", None


def _go_output(install: Instruction) -> str | None:
    for cmd in dependency_commands(install) or ():
        if not cmd.is_("go", "build"):
            continue
        args = cmd.args
        for k, a in enumerate(args):
            if a == "-o" and k + 1 < len(args) and not args[k + 1].endswith("/"):
                value = cmd.argv[k + 1].value
                return value
            if a.startswith("-o=") and not a.endswith("/"):
                return a[3:] if cmd.argv[k].value is not None else None
    return None


def _existing_venv(pre: tuple[Instruction, ...]) -> str | None:
    for instr in pre:
        for cmd in dependency_commands(instr) or () if instr.name == "RUN" else ():
            if _dependency_kind(cmd) == "venv":
                ops = [w for w in cmd.argv[3:] if not w.text.startswith("-")]
                if ops and ops[0].value is not None and ops[0].value.startswith("/"):
                    return ops[0].value.rstrip("/")
                return ""
    return None


def _path_has(state: State, bin_dir: str) -> bool:
    var = state.var("PATH")
    return var is not None and var.kind == "ENV" and bin_dir in var.raw.strip("\"'").split(":")


def _absolute(path: str) -> bool:
    return path.startswith(("/", "$"))


def _names_system_python(instrs: tuple[Instruction, ...]) -> bool:
    return any(re.search(r"/usr/(local/)?bin/python", " ".join(i.value)) for i in instrs)


# ---- COPY -------------------------------------------------------------------------------


def _whole_context(instr: Instruction) -> bool:
    return any(posixpath.normpath(src) in (".", "*", "./*") for src in instr.value[:-1])


def _context_copies(body: tuple[Instruction, ...]) -> list[tuple[int, Instruction]]:
    """The ``COPY . <dir>`` steps of the stage body, with their positions."""
    return [
        (k, i) for k, i in enumerate(body)
        if i.name == "COPY" and not i.flags and _whole_context(i) and len(i.value) == 2 and i.value[0] in (".", "./")
    ]


def _covered(manifest: Instruction, k: int, copies: list[tuple[int, Instruction]], states: dict[int, State]) -> bool:
    """A later ``COPY . <dir>`` (of ``copies``) puts every file of ``manifest`` (at ``k``) at the same place."""
    if manifest.flags or manifest.heredocs:
        return False
    sources, dest = manifest.value[:-1], manifest.value[-1]
    workdir = states[id(manifest)].workdir
    for at, ctx_copy in copies:
        if at <= k:
            continue
        target_dir = _resolve(ctx_copy.value[-1], states[id(ctx_copy)].workdir)
        if target_dir is not None and all(_lands(src, dest, len(sources), workdir) == _join(target_dir, src) for src in sources):
            return True
    return False


def _lands(src: str, dest: str, count: int, workdir: str | None) -> str | None:
    """Where a file ``src`` (or a folder ``src/``) of the context lands for ``COPY src dest``."""
    if any(c in src for c in "*?[$"):
        return None
    if src.endswith("/"):  # a folder's contents go into dest
        return _resolve(dest, workdir) if count == 1 else None
    into_dir = dest.endswith("/") or count > 1 or dest in (".", "./")
    base = _resolve(dest, workdir)
    if base is None:
        return None
    return posixpath.join(base, posixpath.basename(posixpath.normpath(src))) if into_dir else base


def _join(directory: str, src: str) -> str:
    return posixpath.normpath(posixpath.join(directory, src))


def _resolve(path: str, workdir: str | None) -> str | None:
    if "$" in path:
        return None
    if path.startswith("/"):
        return posixpath.normpath(path)
    return None if workdir is None else posixpath.normpath(posixpath.join(workdir, path))
