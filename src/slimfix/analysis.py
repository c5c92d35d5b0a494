"""The dependency model: what each instruction of a stage reads, writes, uses and changes.

Transforms that reorder or split instructions (SF201, SF202, SF301) ask this module whether
two instructions may trade places.  Everything here is conservative: when slimfix cannot
bound what an instruction touches, it touches everything.

API (stable; other transforms import it)::

    from slimfix.analysis import stage_steps, depends, blockers

    steps = stage_steps(df, stage)       # tuple[Step(instr, state, effects)], file order
    steps[i].effects.reads_context       # does it read the build context?
    depends(steps[i].effects, steps[j].effects)  # i before j must stay i before j
    conflict(a, b)                       # why (a short phrase), or None when they commute
    blockers(steps, i, j)                # indices that keep step i from moving to index j
    PathSet.of("/app").overlaps(e.writes)  # path sets: .races(), .is_everything, .paths

    effects(instr, state) -> Effects     # one instruction, given the State before it
    advance(instr, state) -> State       # the State after it
    initial_state(df, stage) -> State    # what a stage starts with
    expand(text, env) / referenced(text) # BuildKit's $VAR, ${VAR}, ${VAR:-x} expansion
    parent_stage(df, stage)              # the stage it is built FROM (by name), or None
    descendant_stages(df, stage)         # the stages built FROM it, directly or not
    position(df, instr)                  # its index in its stage

The per-tree answers (the State before every instruction, the stage links) are computed once per tree
and kept while the tree lives: rules ask them for every instruction, and must not re-scan the
file.  A stage's ``stage_steps`` are kept while its instructions keep their views
(``Instruction.keep_views``): a large file is checked a window of stages at a time, and
``forget(df, stages)`` lets a window's Steps go.  Across trees, the effects and the State after
an instruction are kept by its text, its escape character and the State before it
(``_kept_effects``, ``advance``; not while a large file is checked, see ``slimfix.across``).

``State`` is what is in force before an instruction: ``workdir`` (absolute, ``None`` when it
is the base image's, which slimfix cannot see), ``user`` (``None``: the base image's),
``shell``, and ``env`` (the ENV and ARG variables defined in the stage, each with its value
when known; an ARG's value is never known, a ``--build-arg`` can change it).  Global ARGs
(before the first FROM) are in ``global_args`` and only FROM lines see them.

``Effects`` of one instruction:

- ``reads_context`` / ``context_paths``: it reads the build context (COPY/ADD of local
  sources, ``RUN --mount=type=bind`` without ``from``); the context paths it names.
- ``reads`` / ``writes``: ``PathSet``\\s of image paths, resolved against the WORKDIR in
  force as BuildKit resolves them.  ``PathSet.everything()`` when unknown.
- ``stages``: other stages or images it reads (``COPY --from``, ``--mount=...,from=``).
- ``uses_vars`` / ``defines_vars``: variable names; ``ALL`` in ``uses_vars`` means every
  variable (a RUN sees ENV and ARG as its environment).
- ``uses_state`` / ``changes_state``: ``WORKDIR``, ``USER``, ``SHELL``, and image-config keys
  (``CMD``, ``ENTRYPOINT``, ``LABEL``, ``EXPOSE``, ``ONBUILD``, ...) for metadata.
- ``metadata_only``: only changes the image config; ``in_child``: an ONBUILD trigger (it runs
  in the child build and has no effect in this one).
- ``unbounded``: why ``reads``/``writes`` had to be over-approximated (empty when bounded).
- ``programs``: for a RUN, the programs slimfix recognised (``("apt-get", "rm")``).

What the model assumes (each assumption errs on the side of "depends"):

- RUN reads and writes the whole image unless every command in it is one slimfix models
  (``slimfix.footprints``); it never reads the build context unless a bind mount says so.
- The base image's PATH, HOME and user are ordinary: programs live in system folders, a
  home is under /root or /home.  Paths named by ENV values in the stage are read by every
  modelled command.
- System folders (/usr, /etc, /var, /opt, /usr/local, ...) exist in the base image, so two
  writes below one of them do not race to create it; a write below any other folder (/app)
  may create it, so two writes below /app depend on each other.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import TypeVar
from weakref import WeakKeyDictionary

from slimfix import across
from slimfix.cst import Dockerfile, Instruction
from slimfix.cst.nodes import Stage
from slimfix.cst.record import Record
from slimfix.images import KNOWN_WORKDIRS, official_image
from slimfix.lazy_re import Lazy

ALL = "*"  # in ``uses_vars``: every variable
EVERYTHING = "/"

# Folders every ordinary base image has: writing below them creates nothing shared.
STANDARD_DIRS = frozenset(
    ["/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/libx32", "/media", "/mnt", "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/usr/bin", "/usr/sbin", "/usr/lib", "/usr/lib32", "/usr/lib64", "/usr/libx32", "/usr/include", "/usr/share", "/usr/src", "/usr/local", "/usr/local/bin", "/usr/local/sbin", "/usr/local/lib", "/usr/local/include", "/usr/local/share", "/usr/local/etc", "/usr/local/src", "/var", "/var/cache", "/var/lib", "/var/log", "/var/tmp", "/var/spool", "/var/mail", "/etc/apt", "/etc/apt/sources.list.d"]
)
# merged-/usr and /run symlinks of Debian, Ubuntu, Fedora and Alpine images
_ALIASES = (
    ("/bin", "/usr/bin"),
    ("/sbin", "/usr/sbin"),
    ("/lib", "/usr/lib"),
    ("/lib32", "/usr/lib32"),
    ("/lib64", "/usr/lib64"),
    ("/libx32", "/usr/libx32"),
    ("/var/run", "/run"),
    ("/var/lock", "/run/lock"),
)
_GLOB = Lazy(r"[*?\[{]")  # a brace (bash expands it) is cut like a glob
_NAME = Lazy(r"[A-Za-z_][A-Za-z0-9_]*")
DEFAULT_SHELL = ("/bin/sh", "-c")


# ---- paths ------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def normalize(path: str) -> str:
    """An absolute path without globs, ``..`` or a trailing slash (a glob keeps its folder)."""
    m = _GLOB.search(path)
    if m:
        path = path[: m.start()].rsplit("/", 1)[0] or "/"
    path = posixpath.normpath("/" + path.lstrip("/"))
    return "/" + path.lstrip("/")


def _within(path: str, folder: str) -> bool:
    return folder == "/" or path == folder or path.startswith(folder + "/")


@lru_cache(maxsize=4096)
def _aliases(path: str) -> frozenset[str]:
    out = {path}
    for a, b in _ALIASES:
        for x, y in ((a, b), (b, a)):
            if _within(path, x) and x != "/":
                out.add(y + path[len(x) :])
    return frozenset(out)


def created_root(path: str) -> str:
    """The topmost folder of ``path`` that may not exist yet (the path itself if all do)."""
    parts = path.strip("/").split("/")
    for k in range(1, len(parts) + 1):
        prefix = "/" + "/".join(parts[:k])
        if prefix not in STANDARD_DIRS:
            return prefix
    return path


class PathSet(Record):
    """Image paths, each standing for itself and everything below it; ``/`` is everything.

    ``is_everything`` is computed once: ``depends`` asks it for every pair of steps.
    """

    __slots__ = (*(_fields := ("paths",)), "is_everything")

    def __init__(self, paths: frozenset[str] = frozenset()) -> None:
        self.paths = paths
        self.is_everything = EVERYTHING in paths

    @classmethod
    def of(cls, *paths: str) -> PathSet:
        return _pathset(frozenset(paths))

    @classmethod
    def everything(cls) -> PathSet:
        return _EVERYTHING

    def __bool__(self) -> bool:
        return bool(self.paths)

    def __or__(self, other: PathSet) -> PathSet:
        if self.is_everything or other.is_everything:
            return _EVERYTHING
        return PathSet(self.paths | other.paths)

    def overlaps(self, other: PathSet) -> bool:
        """Some path of one is, holds, or is inside some path of the other."""
        if not self.paths or not other.paths:
            return False
        if self.is_everything or other.is_everything:
            return True
        return _meet(self.paths, other.paths)

    def races(self, other: PathSet) -> bool:
        """Two writes that overlap or may both create the same missing folder."""
        if not self.paths or not other.paths:
            return False
        if self.is_everything or other.is_everything:
            return True
        return _meet(self.paths, other.paths) or _meet(_roots(self.paths), _roots(other.paths))


@lru_cache(maxsize=4096)
def _pathset(paths: frozenset[str]) -> PathSet:
    out: set[str] = set()
    for p in paths:
        out |= _aliases(normalize(p))
    return _EVERYTHING if EVERYTHING in out else PathSet(frozenset(out))


@lru_cache(maxsize=4096)
def _meet(one: frozenset[str], other: frozenset[str]) -> bool:
    return any(_within(a, b) or _within(b, a) for a in one for b in other)


@lru_cache(maxsize=4096)
def _roots(paths: frozenset[str]) -> frozenset[str]:
    return frozenset(created_root(p) for p in paths)


NOTHING = PathSet()
_EVERYTHING = PathSet(frozenset({EVERYTHING}))


# ---- variables --------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def referenced(text: str, escape: str = "\\") -> frozenset[str]:
    """The variable names ``text`` expands (``$A``, ``${A}``, ``${A:-$B}``...), as BuildKit reads it.

    Kept by its arguments, all it reads (the words of an ENV, COPY or FROM recur in every
    pass of the fix loop and in every file of a batch).
    """
    return _process(text, escape, None)[1]


def expand(text: str, env: Mapping[str, str | None], escape: str = "\\") -> str | None:
    """``text`` after BuildKit's quote removal and expansion; None when a value is unknown.

    A name missing from ``env`` is unknown too: the base image may define it.
    """
    return _process(text, escape, env)[0]


def _process(text: str, escape: str, env: Mapping[str, str | None] | None) -> tuple[str | None, frozenset[str]]:
    if "$" not in text and escape not in text and "'" not in text and '"' not in text:
        return (text if env is not None else None), _NONE  # nothing to remove or expand: most words
    out: list[str] = []
    refs: set[str] = set()
    known = True
    quote = ""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == escape and quote != "'":
            if i + 1 < n:
                nxt = text[i + 1]
                if quote == '"' and nxt not in ('"', "$", escape):
                    out.append(c)
                out.append(nxt)
                i += 2
            else:
                out.append(c)
                i += 1
            continue
        if not quote and c in "'\"":
            quote = c
            i += 1
            continue
        if quote and c == quote:
            quote = ""
            i += 1
            continue
        if c == "$" and quote != "'":
            i, value, names = _dollar(text, i, escape, env)
            refs |= names
            if value is None:
                known = False
            else:
                out.append(value)
            continue
        out.append(c)
        i += 1
    return ("".join(out) if known and env is not None else None), frozenset(refs)


def _dollar(
    text: str, i: int, escape: str, env: Mapping[str, str | None] | None
) -> tuple[int, str | None, set[str]]:
    n = len(text)
    if i + 1 < n and text[i + 1] == "{":
        depth, j = 1, i + 2
        while j < n and depth:
            if text[j] == escape:
                j += 1
            elif text[j] == "{":
                depth += 1
            elif text[j] == "}":
                depth -= 1
            j += 1
        inner = text[i + 2 : j - 1] if not depth else text[i + 2 :]
        body = inner.removeprefix("#")
        m = _NAME.match(body)
        if not m:
            return j, None, set()
        name, rest = m.group(), body[m.end() :]
        refs = {name}
        value = env.get(name) if env is not None else None
        if inner.startswith("#"):
            return j, (str(len(value)) if value is not None else None), refs
        if not rest:
            return j, value, refs
        for op in (":-", ":+", ":?", "-", "+", "?"):
            if rest.startswith(op):
                word_value, word_refs = _process(rest[len(op) :], escape, env)
                refs |= word_refs
                if value is None:
                    return j, None, refs
                empty_counts = op.startswith(":")
                is_set = bool(value) if empty_counts else True
                if op.endswith("-"):
                    return j, (value if is_set else word_value), refs
                if op.endswith("+"):
                    return j, (word_value if is_set else ""), refs
                return j, value, refs
        return j, None, refs  # ${A%x}, ${A/x/y}...: no value, but A is used
    m = _NAME.match(text, i + 1)
    if not m:
        return i + 1, "$", set()
    name = m.group()
    return m.end(), (env.get(name) if env is not None else None), {name}


# ---- state ------------------------------------------------------------------------------


class Var(Record):
    """``name``, ``value`` (None: unknown, an ARG or built from an unknown value), ``raw`` (as
    written) and ``kind`` ("ENV" or "ARG")."""

    __slots__ = _fields = ("name", "value", "raw", "kind")

    def __init__(self, name: str, value: str | None, raw: str, kind: str) -> None:
        self.name = name
        self.value = value
        self.raw = raw
        self.kind = kind


class State(Record):
    """``workdir`` (absolute; None: the base image's, unknown), ``user`` (None: the base
    image's), ``shell``, ``env`` (ENV and ARG defined in this stage, and inherited ENV),
    ``global_args`` (ARG before the first FROM: FROM lines only) and ``escape``.

    ``env_paths`` and ``plain`` are pure functions of the fields, computed once when asked.
    """

    __slots__ = (
        *(_fields := ("workdir", "user", "shell", "env", "global_args", "escape")), "_env_paths", "_plain", "_hash",
    )

    def __init__(self, workdir: str | None = None, user: str | None = None, shell: tuple[str, ...] = DEFAULT_SHELL,
                 env: tuple[Var, ...] = (), global_args: tuple[Var, ...] = (), escape: str = "\\") -> None:
        self.workdir = workdir
        self.user = user
        self.shell = shell
        self.env = env
        self.global_args = global_args
        self.escape = escape
        self._env_paths: tuple[str, ...] | None = None
        self._plain: tuple | None = None
        self._hash: int | None = None

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not State:
            return NotImplemented
        return self is other or self.plain == other.plain  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        """The hash of ``plain``, computed once: states key the kept effects (``_kept_effects``)."""
        found = self._hash
        if found is None:
            found = self._hash = hash(self.plain)
        return found

    @property
    def plain(self) -> tuple:
        """Every field's value as plain tuples and strings (the Vars too): equal exactly when
        the states are, and compared and hashed without a Python call per Var."""
        if self._plain is None:
            self._plain = (self.workdir, self.user, self.shell, tuple([v._key(v) for v in self.env]),
                           tuple([v._key(v) for v in self.global_args]), self.escape)
        return self._plain

    def _with(self, **changes: object) -> State:
        return State(*(changes.get(f, getattr(self, f)) for f in self._fields))

    @property
    def values(self) -> dict[str, str | None]:
        return {v.name: v.value for v in self.env}

    def var(self, name: str) -> Var | None:
        for v in reversed(self.env):
            if v.name == name:
                return v
        return None

    def with_var(self, var: Var) -> State:
        name = var.name
        kept = tuple([v for v in self.env if v.name != name])
        return State(self.workdir, self.user, self.shell, (*kept, var), self.global_args, self.escape)

    @property
    def home(self) -> tuple[str, ...] | None:
        """Where HOME may be; None when slimfix cannot tell (a non-root USER set in the stage)."""
        var = self.var("HOME")
        if var is not None:
            return (var.value,) if var.value and var.value.startswith("/") else None
        if self.user is None:
            return ("/root", "/home")
        name = self.user.split(":", 1)[0]
        return ("/root",) if name in ("root", "0") else None

    @property
    def env_paths(self) -> tuple[str, ...]:
        """Absolute paths named in ENV values (PATH entries, VIRTUAL_ENV, PIP_TARGET...)."""
        if self._env_paths is None:
            found: list[str] = []
            for v in self.env:
                if v.kind == "ENV":
                    found.extend(m.group(1) for m in _ENV_PATH.finditer(v.raw))
            self._env_paths = tuple(dict.fromkeys(normalize(p) for p in found))
        return self._env_paths


_ENV_PATH = Lazy(r"(?:^|[\s:=\"',;])(/[^\s:\"',;$]*)")


# ---- effects ----------------------------------------------------------------------------


_NONE: frozenset[str] = frozenset()


class Effects(Record):
    """What one instruction reads, writes, uses and changes (see the module's docstring);
    ``programs``: for a RUN, the programs slimfix recognised, in order."""

    __slots__ = _fields = (
        "keyword", "reads_context", "context_paths", "reads", "writes", "stages", "uses_vars", "defines_vars",
        "uses_state", "changes_state", "metadata_only", "in_child", "unbounded", "programs",
    )

    def __init__(
        self,
        keyword: str,
        reads_context: bool = False,
        context_paths: tuple[str, ...] = (),
        reads: PathSet = NOTHING,
        writes: PathSet = NOTHING,
        stages: tuple[str, ...] = (),
        uses_vars: frozenset[str] = _NONE,
        defines_vars: frozenset[str] = _NONE,
        uses_state: frozenset[str] = _NONE,
        changes_state: frozenset[str] = _NONE,
        metadata_only: bool = False,
        in_child: bool = False,
        unbounded: tuple[str, ...] = (),
        programs: tuple[str, ...] = (),
    ) -> None:
        self.keyword = keyword
        self.reads_context = reads_context
        self.context_paths = context_paths
        self.reads = reads
        self.writes = writes
        self.stages = stages
        self.uses_vars = uses_vars
        self.defines_vars = defines_vars
        self.uses_state = uses_state
        self.changes_state = changes_state
        self.metadata_only = metadata_only
        self.in_child = in_child
        self.unbounded = unbounded
        self.programs = programs


class Step(Record):
    """An instruction, the ``state`` in force before it, and its ``effects``.

    ``effects`` is computed when first asked (``_kept_effects``, a pure function of the
    instruction and the state): most steps are only asked whether they read the build
    context (``reads_context``, ``context_paths``), which a RUN answers from its mounts and a
    COPY or ADD from its sources alone, without the footprint of its commands or the paths
    it writes.
    """

    __slots__ = ("instr", "state", "_effects")
    _fields = ("instr", "state", "effects")

    def __init__(self, instr: Instruction, state: State, effects: Effects | None = None) -> None:
        self.instr = instr
        self.state = state
        self._effects = effects

    @property
    def effects(self) -> Effects:
        found = self._effects
        if found is None:
            found = self._effects = _kept_effects(self.instr, self.state)
        return found

    @property
    def reads_context(self) -> bool:
        """``effects.reads_context``."""
        return self.context_paths is not None

    @property
    def context_paths(self) -> tuple[str, ...] | None:
        """``effects.context_paths`` when the step reads the build context, else None."""
        e = self._effects
        if e is not None:
            return e.context_paths if e.reads_context else None
        kw = self.instr.name
        if kw == "RUN":
            return _run_context(self.instr.sem)
        if kw in ("COPY", "ADD"):
            return _copy_context(self.instr)
        return None  # no other instruction reads the context (an ONBUILD trigger: in the child)


def depends(a: Effects, b: Effects) -> bool:
    """True when ``a`` (earlier) and ``b`` (later) must keep their order.

    They conflict when one writes what the other reads or writes, one defines a variable the
    other uses or defines, or one changes state (WORKDIR, USER, SHELL, a config key) the other
    uses or changes.  Symmetric in practice: swapping either way is refused.
    """
    if a.writes.races(b.writes) or a.writes.overlaps(b.reads) or a.reads.overlaps(b.writes):
        return True
    if _vars_meet(a.defines_vars, b.uses_vars) or _vars_meet(b.defines_vars, a.uses_vars):
        return True
    if a.defines_vars & b.defines_vars:
        return True
    return bool(a.changes_state & (b.uses_state | b.changes_state) or b.changes_state & a.uses_state)


def conflict(a: Effects, b: Effects) -> str | None:
    """Why ``a`` and ``b`` must keep their order, in words; None when they commute."""
    for mine, theirs, verb in ((a.writes, b.writes, "both write"), (a.writes, b.reads, "one writes what the other reads:"),
                               (a.reads, b.writes, "one writes what the other reads:")):
        shared = _shared(mine, theirs)
        if shared and (a.writes.is_everything or b.writes.is_everything):
            return "one may change any file (slimfix cannot bound it)"
        if shared:
            return f"{verb} {shared}"
    if a.writes.races(b.writes):
        return "both may create " + _shared(PathSet(frozenset(created_root(p) for p in a.writes.paths)),
                                            PathSet(frozenset(created_root(p) for p in b.writes.paths)))
    for defined, used in ((a.defines_vars, b.uses_vars), (b.defines_vars, a.uses_vars), (a.defines_vars, b.defines_vars)):
        if _vars_meet(defined, used):
            names = sorted(defined if ALL in used else defined & used)
            return "one sets " + ", ".join(names) + ", which the other uses"
    state = a.changes_state & (b.uses_state | b.changes_state) | b.changes_state & a.uses_state
    if state:
        return "one changes " + ", ".join(sorted(state)) + ", which the other depends on"
    return None


def _vars_meet(defined: frozenset[str], used: frozenset[str]) -> bool:
    return bool(defined) and (ALL in used or bool(defined & used))


def _shared(one: PathSet, other: PathSet) -> str:
    """The most specific path in which ``one`` and ``other`` meet ('' when they do not)."""
    best = ""
    for x in one.paths:
        for y in other.paths:
            if _within(x, y) or _within(y, x):
                deeper = x if len(x) >= len(y) else y
                if len(deeper) > len(best) or (len(deeper) == len(best) and deeper < best):
                    best = deeper
    return best


def blockers(steps: tuple[Step, ...], i: int, j: int) -> tuple[int, ...]:
    """Indices of the steps that keep step ``i`` from moving to just before step ``j``.

    ``j < i`` moves it up past ``steps[j:i]``; ``j > i`` moves it down past ``steps[i+1:j]``.
    """
    if j < i:
        return tuple(k for k in range(j, i) if depends(steps[k].effects, steps[i].effects))
    return tuple(k for k in range(i + 1, j) if depends(steps[i].effects, steps[k].effects))


def effects(instr: Instruction, state: State) -> Effects:
    """What ``instr`` reads, writes, uses and changes, with ``state`` in force before it."""
    sem = instr.sem
    kw = sem.keyword
    esc = instr.escape
    if kw == "ONBUILD":
        return Effects(kw, changes_state=frozenset({"ONBUILD"}), metadata_only=True, in_child=True)
    if kw == "RUN":
        return _run(instr, state)
    flag_refs = frozenset().union(*[referenced(f.value or "", esc) for f in sem.flags]) if sem.flags else _NONE
    if kw in ("COPY", "ADD"):
        return _copy(instr, state, flag_refs)
    refs = flag_refs.union(*(referenced(v, esc) for v in sem.value)) if kw in _EXPANDS else flag_refs
    if kw == "FROM":
        stages = (sem.value[0].lower(),) if sem.value else ()
        return Effects(
            kw, writes=PathSet.everything(), reads=PathSet.everything(), stages=stages, uses_vars=refs,
            changes_state=frozenset({"WORKDIR", "USER", "SHELL", "STAGE"}),
        )
    if kw == "ENV":
        names = frozenset(sem.value[0::2])
        return Effects(kw, uses_vars=refs, defines_vars=names, metadata_only=True)
    if kw == "ARG":
        names, arg_refs = _arg_names(sem.value, esc)
        return Effects(kw, uses_vars=arg_refs, defines_vars=names, metadata_only=True)
    if kw == "WORKDIR":
        path = _resolve(sem.value[0] if sem.value else "", state)
        where = PathSet.of(path) if path else PathSet.everything()
        uses = {"USER"} | ({"WORKDIR"} if not _absolute(sem.value[0] if sem.value else "") else set())
        return Effects(
            kw, reads=where, writes=where, uses_vars=refs, uses_state=frozenset(uses),
            changes_state=frozenset({"WORKDIR"}),
            unbounded=() if path else ("the WORKDIR path is not known",),
        )
    if kw == "VOLUME":
        paths = [_resolve(v, state) for v in sem.value]
        where = PathSet.of(*paths) if all(paths) else PathSet.everything()
        return Effects(kw, writes=where, uses_vars=refs, changes_state=frozenset({"VOLUME"}))
    if kw == "USER":
        return Effects(kw, uses_vars=refs, changes_state=frozenset({"USER"}), metadata_only=True)
    if kw == "SHELL":
        return Effects(kw, changes_state=frozenset({"SHELL"}), metadata_only=True)
    if kw in ("CMD", "ENTRYPOINT"):
        shell = frozenset({"SHELL"}) if sem.value and not sem.json else frozenset()
        return Effects(kw, uses_state=shell, changes_state=frozenset({kw}), metadata_only=True)
    if kw == "HEALTHCHECK":
        shell = frozenset({"SHELL"}) if len(sem.value) > 1 and not sem.json else frozenset()
        return Effects(kw, uses_state=shell, changes_state=frozenset({kw}), metadata_only=True)
    # EXPOSE, LABEL, STOPSIGNAL, MAINTAINER, and anything BuildKit would refuse
    return Effects(kw, uses_vars=refs, changes_state=frozenset({kw}), metadata_only=True)


T = TypeVar("T")


def _kept_effects(instr: Instruction, state: State) -> Effects:
    """``effects(instr, state)``, kept by ``(instr.text, instr.escape, state)`` (a state is
    equal to another and hashed by its ``plain`` form).

    The key is complete: an instruction's view (keyword, flags, value, here-documents, shell
    words) is a function of its own text and the escape character, and ``effects`` reads
    nothing else but the state (compared by value).  The fix loop re-parses a file after each
    fix and a batch holds many alike files: most instructions come back with the same text
    and state.  Long texts are not kept.
    """
    return _by_text(_KEPT, effects, instr, state)


def _by_text(memo: across.Memo, compute: Callable[[Instruction, State], T], instr: Instruction, state: State) -> T:
    """``compute(instr, state)``, kept in ``memo`` by ``(instr.text, instr.escape, state)``
    unless the text is long or nothing is kept across trees now (``slimfix.across``)."""
    if not across.KEEPING:
        return compute(instr, state)
    text = instr.text
    if len(text) > _KEPT_TEXT:
        return compute(instr, state)
    return memo.keep((text, instr.escape, state), compute, instr, state)


_KEPT = across.Memo(2048)  # (text, escape, State) -> Effects
_KEPT_TEXT = 4096


_EXPANDS = frozenset(["ADD", "COPY", "ENV", "EXPOSE", "FROM", "LABEL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"])


def _arg_names(words: Iterable[str], escape: str) -> tuple[frozenset[str], frozenset[str]]:
    names: set[str] = set()
    refs: set[str] = set()
    for word in words:
        name, eq, default = word.partition("=")
        names.add(name)
        if eq:
            refs |= referenced(default, escape)
    return frozenset(names), frozenset(refs)


def _absolute(path: str) -> bool:
    return path.startswith("/")


def _drive(value: str) -> bool:
    """``re.match(r"^[A-Za-z]:", value)``: a Windows drive path (asked of every path argument)."""
    return len(value) > 1 and value[1] == ":" and value[0].isascii() and value[0].isalpha()


def _resolve(raw: str, state: State) -> str | None:
    """An instruction argument as an absolute image path, or None when it cannot be known."""
    value = expand(raw, state.values, state.escape)
    if not value or _drive(value):
        return None
    if value.startswith("/"):
        return value
    if state.workdir is None:
        return None
    return posixpath.join(state.workdir, value)


def _copy(instr: Instruction, state: State, flag_refs: frozenset[str]) -> Effects:
    sem = instr.sem
    kw = sem.keyword
    esc = instr.escape
    refs = set(flag_refs)
    for v in sem.value:
        refs |= referenced(v, esc)
    for doc in instr.heredocs:
        if doc.expand:
            refs |= referenced(doc.content, esc)
    if len(sem.value) < 2:
        return Effects(kw, writes=PathSet.everything(), reads=PathSet.everything(), uses_vars=frozenset(refs),
                       unbounded=(f"{kw} without a destination",))
    dest = sem.value[-1]
    source_from = sem.flag("from")
    stages = ((source_from.value or "").lower(),) if source_from is not None else ()
    local = _copy_context(instr) or ()
    path = _resolve(dest, state)
    where = PathSet.of(path) if path else PathSet.everything()
    reads = where
    chown = sem.flag("chown")
    if chown is not None and not re.fullmatch(r"[0-9]+(:[0-9]+)?", chown.value or ""):
        reads = reads | PathSet.of("/etc/passwd", "/etc/group")  # user names resolve in the image
    uses = frozenset() if _absolute(dest) else frozenset({"WORKDIR"})
    return Effects(
        kw, reads_context=bool(local), context_paths=tuple(local), reads=reads, writes=where,
        stages=stages, uses_vars=frozenset(refs), uses_state=uses,
        unbounded=() if path else (f"the {kw} destination {dest} is not known",),
    )


def _copy_context(instr: Instruction) -> tuple[str, ...] | None:
    """The build-context sources of a COPY or ADD (not here-documents, URLs or ``--from``
    sources; ``_copy``'s ``context_paths``), or None when it reads none."""
    sem = instr.sem
    if len(sem.value) < 2 or sem.flag("from") is not None:
        return None
    inline = {f"<<{d.name}" for d in instr.heredocs} | {f"<<-{d.name}" for d in instr.heredocs}
    add = sem.keyword == "ADD"
    local = []
    for src in sem.value[:-1]:
        bare = src.replace('"', "").replace("'", "")
        if src in inline or bare in inline:
            continue
        if add and _is_remote(src):
            continue
        local.append(src)
    return tuple(local) if local else None


def _is_remote(src: str) -> bool:
    return bool(re.match(r"^(https?|git|ssh)://|^git@|^[\w.-]+@[\w.-]+:", src))


def _run(instr: Instruction, state: State) -> Effects:
    from slimfix.footprints import run_footprint

    sem = instr.sem
    reads_context = False
    context: list[str] = []
    stages: list[str] = []
    mounts: list[str] = []
    unbounded: list[str] = []
    for f in sem.flags:
        if f.name != "mount":
            continue
        opts = _mount_options(f.value or "")
        kind = opts.get("type", "bind")
        target = opts.get("target") or opts.get("dst") or opts.get("destination")
        if kind == "bind":
            if "from" in opts:
                stages.append(opts["from"].lower())
            else:
                reads_context = True
                context.append(opts.get("source") or opts.get("src") or ".")
        elif kind in ("cache", "tmpfs", "secret", "ssh"):
            if kind == "cache" and "from" in opts:
                stages.append(opts["from"].lower())
        else:
            unbounded.append(f"a mount of type {kind}")
        if target:
            resolved = _resolve(target, state)
            if resolved is None:
                unbounded.append(f"the mount target {target} is not known")
            else:
                mounts.append(resolved)
    foot = run_footprint(instr, state)
    unbounded.extend(foot.unknown)
    if unbounded:
        reads = writes = PathSet.everything()
    else:
        reads = PathSet.of(*foot.reads, *mounts)
        writes = PathSet.of(*foot.writes, *mounts)
    uses = {"USER"}
    if not sem.json:
        uses.add("SHELL")
    if unbounded or foot.uses_cwd:
        uses.add("WORKDIR")
    return Effects(
        "RUN", reads_context=reads_context, context_paths=tuple(context), reads=reads, writes=writes,
        stages=tuple(stages), uses_vars=frozenset({ALL}), uses_state=frozenset(uses),
        unbounded=tuple(dict.fromkeys(unbounded)), programs=foot.programs,
    )


def _run_context(sem) -> tuple[str, ...] | None:  # noqa: ANN001 - a RUN's Semantics
    """The context paths a RUN's bind mounts read (``_run``'s ``context_paths`` when its
    ``reads_context``), else None."""
    context = [
        opts.get("source") or opts.get("src") or "."
        for f in sem.flags
        if f.name == "mount" and (opts := _mount_options(f.value or "")).get("type", "bind") == "bind" and "from" not in opts
    ]
    return tuple(context) if context else None


def _mount_options(value: str) -> dict[str, str]:
    opts: dict[str, str] = {}
    for part in value.split(","):
        key, eq, val = part.strip().partition("=")
        opts[key.strip().lower()] = val.strip() if eq else "true"
    return opts


# ---- stage links -------------------------------------------------------------------------


class _Links:
    __slots__ = ("children", "parent")

    def __init__(self, parent: dict[int, Stage], children: dict[int, list[Stage]]) -> None:
        self.parent = parent  # id(stage) -> the stage it is built FROM
        self.children = children  # id(stage) -> the stages built FROM it, in file order


_LINKS: WeakKeyDictionary[Dockerfile, _Links] = WeakKeyDictionary()  # a tree is immutable


def _links(df: Dockerfile) -> _Links:
    links = _LINKS.get(df)
    if links is None:
        first: dict[str | None, Stage] = {}  # stage name -> the first stage of that name
        parent: dict[int, Stage] = {}
        children: dict[int, list[Stage]] = {}
        for stage in df.stages:
            if stage.index < 0:
                continue
            found = first.get((stage.base or "").lower())
            if found is not None:
                parent[id(stage)] = found
                children.setdefault(id(found), []).append(stage)
            if stage.name is not None:
                first.setdefault(stage.name, stage)
        links = _LINKS[df] = _Links(parent, children)
    return links


def parent_stage(df: Dockerfile, stage: Stage) -> Stage | None:
    """The earlier stage ``stage`` is built FROM (``FROM build``, the name as written, not
    expanded; the first stage of that name), or None when it starts from an image."""
    return _links(df).parent.get(id(stage))


def descendant_stages(df: Dockerfile, stage: Stage) -> list[Stage]:
    """The stages built FROM ``stage``, or FROM one of those, and so on, in file order."""
    children = _links(df).children
    found: list[Stage] = []
    todo = [stage]
    while todo:
        more = children.get(id(todo.pop()), ())
        found.extend(more)
        todo.extend(more)
    return sorted(found, key=lambda s: s.index)


def position(df: Dockerfile, instr: Instruction) -> int:
    """The index of ``instr`` in its stage's instructions."""
    return df.place(instr)


# ---- state through a stage --------------------------------------------------------------


_ADVANCES = frozenset(["ENV", "ARG", "WORKDIR", "USER", "SHELL"])


def advance(instr: Instruction, state: State) -> State:
    """The State in force after ``instr``.

    Kept by ``(instr.text, instr.escape, state)``, as the effects are (``_kept_effects``, whose
    argument for the key holds here too: ``_advance`` reads the instruction's view and the
    state, nothing else).  Each pass of the fix loop analyses the whole file again, and its
    ENV values are expanded again; long texts are not kept.
    """
    if instr.name not in _ADVANCES:
        return state
    return _by_text(_ADVANCED, _advance, instr, state)


_ADVANCED = across.Memo(2048)  # (text, escape, State before) -> State after


def _advance(instr: Instruction, state: State) -> State:
    kw = instr.name
    sem = instr.sem
    env = state.values
    esc = instr.escape
    if kw == "ENV":
        new = state
        pairs = list(zip(sem.value[0::2], sem.value[1::2]))
        for name, raw in pairs:  # every pair expands against the ENV before this line
            new = new.with_var(Var(name, expand(raw, env, esc), raw, "ENV"))
        return new
    if kw == "ARG":
        new = state
        for word in sem.value:
            name, _, default = word.partition("=")
            old = new.var(name)
            if old is not None and old.kind == "ENV":
                continue  # ENV wins over ARG
            new = new.with_var(Var(name, None, default, "ARG"))
        return new
    if kw == "WORKDIR":
        return state._with(workdir=_resolve(sem.value[0] if sem.value else "", state))
    if kw == "USER":
        if not sem.value:
            return state
        # an unresolved name stays as written: not root, so its HOME is unknown
        return state._with(user=expand(sem.value[0], env, esc) or sem.value[0])
    if kw == "SHELL":
        return state._with(shell=sem.value)
    return state


def initial_state(df: Dockerfile, stage: Stage) -> State:
    """The State a stage starts with: global ARGs, and a parent stage's ENV, WORKDIR, USER, SHELL."""
    return _analysis(df).befores[id(stage)][0]  # a stage has an instruction at least


def stage_steps(df: Dockerfile, stage: Stage) -> tuple[Step, ...]:
    """Every instruction of ``stage`` with the State before it and its Effects.

    Kept per tree while the stage's instructions keep their views (``Instruction.keep_views``):
    the transforms of a pass share them.
    """
    found = _analysis(df)
    steps = found.steps.get(id(stage))
    if steps is None:
        befores = found.befores[id(stage)]
        if len(befores) < len(stage.instructions):  # only its start kept: a stage of a large file
            befores = _through(stage, befores[0])[1]
        steps = tuple(map(Step, stage.instructions, befores))
        if not stage.instructions or stage.instructions[0].keeps_views:
            found.steps[id(stage)] = steps
    return steps


def forget(df: Dockerfile, stages: Iterable[Stage]) -> None:
    """Let the Steps of ``stages`` go (their instructions no longer keep their views), and
    the states before their instructions but the first."""
    found = _ANALYSED.get(df)
    if found is not None:
        for stage in stages:
            found.steps.pop(id(stage), None)
            found.befores[id(stage)] = found.befores[id(stage)][:1]


class _Analysis:
    __slots__ = ("befores", "steps")

    def __init__(self, befores: dict[int, tuple[State, ...]]) -> None:
        # id(stage) -> the State before each of its instructions; only the first for a stage
        # whose instructions keep no views (a large file's, outside the window being checked)
        self.befores = befores
        self.steps: dict[int, tuple[Step, ...]] = {}  # id(stage) -> its Steps, while kept


_ANALYSED: WeakKeyDictionary[Dockerfile, _Analysis] = WeakKeyDictionary()


def _analysis(df: Dockerfile) -> _Analysis:
    """Every stage's start State and the State before each of its instructions, computed once
    per tree (the transforms of a pass share them) and dropped with the tree.  A large file's
    stages outside the window being checked keep their start only: all the states of a file
    of many ENVs and ARGs would take several times its size."""
    found = _ANALYSED.get(df)
    if found is None:
        found = _ANALYSED[df] = _Analysis(_befores(df))
    return found


def _befores(df: Dockerfile) -> dict[int, tuple[State, ...]]:
    escape = df.escape
    befores: dict[int, tuple[State, ...]] = {}
    global_args: tuple[Var, ...] = ()
    finals: dict[str, State] = {}
    by_index: dict[str, State] = {}
    for stage in df.stages:
        if stage.index < 0:
            state = _kept(stage, State(escape=escape), befores)
            global_args = state.env
            continue
        base = stage.base or ""
        base_value = expand(base, {v.name: v.value for v in global_args}, escape)
        parent = None
        if base_value is not None:
            parent = finals.get(base_value.lower()) or by_index.get(base_value)
        if parent is not None:
            state = State(parent.workdir, parent.user, parent.shell,
                          tuple(v for v in parent.env if v.kind == "ENV"), global_args, escape)
        elif base_value is not None and (official := official_image(base_value)) is not None:
            # scratch and the official images whose WORKDIR is known (slimfix.images)
            state = State(workdir=KNOWN_WORKDIRS[official], user="root", global_args=global_args, escape=escape)
        else:
            state = State(global_args=global_args, escape=escape)
        state = _kept(stage, state, befores)
        if stage.name:
            finals[stage.name] = state
        by_index[str(stage.index)] = state
    return befores


def _kept(stage: Stage, state: State, befores: dict[int, tuple[State, ...]]) -> State:
    """The State after ``stage`` from ``state``; into ``befores`` the state before each of its
    instructions, or its start only when they keep no views."""
    after, each = _through(stage, state)
    befores[id(stage)] = each if not stage.instructions or stage.instructions[0].keeps_views else (state,)
    return after


def _through(stage: Stage, state: State) -> tuple[State, tuple[State, ...]]:
    """The State after ``stage`` from ``state``, and the one before each of its instructions."""
    out = []
    for instr in stage.instructions:
        out.append(state)
        state = advance(instr, state)  # a FROM changes nothing
    return state, tuple(out)


__all__ = [
    "ALL",
    "EVERYTHING",
    "NOTHING",
    "Effects",
    "PathSet",
    "State",
    "Step",
    "Var",
    "advance",
    "blockers",
    "conflict",
    "depends",
    "descendant_stages",
    "effects",
    "expand",
    "forget",
    "initial_state",
    "parent_stage",
    "position",
    "referenced",
    "stage_steps",
]
