"""SF001's side file: what the Dockerfiles need from their build context, and the ignore-file change.

``needs_of(df, context_dir)`` reads one Dockerfile: the context paths its COPY/ADD sources and
``RUN --mount=type=bind`` sources name, the files its dependency installs read from a copied
context, whether something sends the whole context into the image, and what makes that view
incomplete.  ``plan_dockerignore(context_dir, dockerfiles, settings)`` merges the needs of every
Dockerfile built with that context and returns the ignore-file change as a ``SideChange``.

What is safe to leave out (the catalog's SF001 entry says why): everything no source names
when no source sends the whole context; with a whole-context source (``COPY . DEST``, a bind
mount of the context), the categories an image cannot sensibly depend on (VCS data unless a RUN
uses git or builds Go, virtual environments, bytecode, node_modules the image installs itself,
caches, editor files, OS litter, large files no text file of the context names).  Build output,
secret-looking files and named large files then need ``--unsafe-fixes``, and are never proposed when an install step may read more than slimfix can
see.  A source whose path holds an unknown variable stops the plan.
"""

from __future__ import annotations

import os
import posixpath
import re
import time
from collections.abc import Collection, Iterable, Iterator, Sequence
from pathlib import Path, PurePosixPath

from slimfix import installs
from slimfix.analysis import State, expand, stage_steps
from slimfix.buildcontext import Proposal, context_size, kept, propose, render
from slimfix.cst import Dockerfile, Instruction, parse
from slimfix.cst.nodes import Stage
from slimfix.cst.record import Frozen
from slimfix.cst.record import init_field as _set
from slimfix.dockerignore import DockerignoreError, Matcher, find_ignore_file, go_clean, parse_dockerignore
from slimfix.engine import Settings
from slimfix.shell import script

__all__ = [
    "Needs",
    "Plan",
    "SideChange",
    "ignore_file_for",
    "kept_needs",
    "needs_of",
    "plan",
    "plan_dockerignore",
    "size_text",
    "summary",
]

_NODE_TOOLS = frozenset({"npm", "yarn", "pnpm"})
# Patterns compiled on first use (``re`` keeps them): only Dockerfiles with a context and a RUN need them.
# git itself, a .git path, and Go builds, which stamp the VCS revision into the binary
_READS_VCS = r"(?<![\w.-])(\.?git(?![\w-])|go\s+(build|install)(?![\w.-]))"
_NAMES_DOCKERFILES = r"(?i)dockerfile|containerfile|dockerignore|containerignore"
_CACHE_SECONDS = 2.0


class Needs(Frozen):
    """What builds with one Dockerfile read from the context (merged over several with ``merge``)."""

    __slots__ = _fields = (
        "paths", "whole", "installs_node_modules", "runs_git", "reads_dockerfiles", "unbounded", "unknown",
    )
    paths: tuple[str, ...]  # context paths (or globs) that must stay in the context
    whole: bool  # a source sends the whole context into the build
    installs_node_modules: bool  # the image runs its own npm/yarn/pnpm install
    runs_git: bool  # a RUN may read VCS data (git, go build): .git is not safe to leave out
    reads_dockerfiles: bool  # a RUN names a Dockerfile or ignore file: keep them in the context
    unbounded: tuple[str, ...]  # why an install may read more than ``paths``
    unknown: tuple[str, ...]  # why the needed paths cannot be known at all

    def __init__(
        self, paths: tuple[str, ...] = (), whole: bool = False, installs_node_modules: bool = False,
        runs_git: bool = False, reads_dockerfiles: bool = False, unbounded: tuple[str, ...] = (),
        unknown: tuple[str, ...] = (),
    ) -> None:
        _set(self, "paths", paths)
        _set(self, "whole", whole)
        _set(self, "installs_node_modules", installs_node_modules)
        _set(self, "runs_git", runs_git)
        _set(self, "reads_dockerfiles", reads_dockerfiles)
        _set(self, "unbounded", unbounded)
        _set(self, "unknown", unknown)

    @staticmethod
    def merge(parts: Iterable[Needs]) -> Needs:
        parts = list(parts)
        return Needs(
            tuple(sorted({p for n in parts for p in n.paths})),
            any(n.whole for n in parts),
            any(n.installs_node_modules for n in parts),
            any(n.runs_git for n in parts),
            any(n.reads_dockerfiles for n in parts),
            tuple(dict.fromkeys(r for n in parts for r in n.unbounded)),
            tuple(dict.fromkeys(r for n in parts for r in n.unknown)),
        )


class Plan(Frozen):
    """The proposals for one ignore file: ``applied`` at the settings' safety level, ``held_back`` not.

    ``unsafe``: how many of ``applied`` are there only because the settings allow unsafe fixes.
    """

    __slots__ = _fields = ("ignore_file", "old_text", "applied", "held_back", "unsafe")
    ignore_file: Path
    old_text: str
    applied: tuple[Proposal, ...]
    held_back: tuple[Proposal, ...]
    unsafe: int

    def __init__(
        self, ignore_file: Path, old_text: str, applied: tuple[Proposal, ...], held_back: tuple[Proposal, ...],
        unsafe: int = 0,
    ) -> None:
        _set(self, "ignore_file", ignore_file)
        _set(self, "old_text", old_text)
        _set(self, "applied", applied)
        _set(self, "held_back", held_back)
        _set(self, "unsafe", unsafe)

    @property
    def new_text(self) -> str:
        return render(self.old_text, self.applied)


class SideChange(Frozen):
    """A change to a file beside the Dockerfile, with the context size before and after it."""

    __slots__ = _fields = ("path", "old_text", "new_text", "size_before", "size_after", "held_back", "unsafe")
    path: Path
    old_text: str
    new_text: str
    size_before: tuple[int, int]  # (files, bytes) sent to the builder
    size_after: tuple[int, int]
    held_back: tuple[Proposal, ...]  # left out only with --unsafe-fixes
    unsafe: bool  # some of the lines it adds are there only under --unsafe-fixes

    def __init__(
        self, path: Path, old_text: str, new_text: str, size_before: tuple[int, int], size_after: tuple[int, int],
        held_back: tuple[Proposal, ...] = (), unsafe: bool = False,
    ) -> None:
        _set(self, "path", path)
        _set(self, "old_text", old_text)
        _set(self, "new_text", new_text)
        _set(self, "size_before", size_before)
        _set(self, "size_after", size_after)
        _set(self, "held_back", held_back)
        _set(self, "unsafe", unsafe)


# ---- what a Dockerfile needs -----------------------------------------------------------------


def needs_of(df: Dockerfile | str, context_dir: Path | None = None, scan: NeedsScan | None = None) -> Needs:
    """The context paths ``df`` (a tree, or a text parsed here if need be) reads; ``context_dir``
    lets installs be followed into copied files; ``scan``: a NeedsScan of every stage of ``df``,
    if the caller has one.

    With ``context_dir``, within ``run_cache`` the answer is kept per text: the check computes it
    for every text it sees, and the run's ignore-file plan asks again for the same texts.  The
    text and the context (fixed for the run, as for every kept read) are all it depends on.
    """
    if context_dir is None:
        return _needs_of(parse(df) if isinstance(df, str) else df, None)
    known = kept_needs(context_dir)
    text = df if isinstance(df, str) else df.code
    found = known.get(text)
    if found is None:
        found = scan.needs() if scan is not None else _needs_of(parse(df) if isinstance(df, str) else df, Path(context_dir))
        # the key is the caller's string (the fix loop's trees keep it: Dockerfile.same_code), not
        # a copy; kept for a huge file too, the run's plan does not parse it twice more
        known[text] = found
    return found


def kept_needs(context_dir: Path) -> dict[str, Needs]:
    """This run's needs per text for ``context_dir`` (see ``needs_of``); a fresh dict outside ``run_cache``."""
    return kept(Path(context_dir), ("needs",), dict)


def _needs_of(df: Dockerfile, context_dir: Path | None) -> Needs:
    scan = NeedsScan(df, context_dir)
    scan.add(df.stages)
    return scan.needs()


class NeedsScan:
    """``_needs_of`` read a run of stages at a time, in order (``add``): SF001 reads a large
    file a window of stages at a time, as the engine checks it.  Also finds ``first_reader``."""

    def __init__(self, df: Dockerfile, context_dir: Path | None) -> None:
        self.df = df
        self.context_dir = context_dir
        self.paths: list[str] = []
        self.unknown: list[str] = []
        self.unbounded: list[str] = []
        self.node = self.git = self.whole = self.docker = False
        self.copied: dict[str, tuple[str | None, ...]] = {}  # stage -> image folders holding the whole context
        self.reader: Instruction | None = None  # the first instruction that reads the context
        self.whole_reader: Instruction | None = None  # the first that sends the whole context

    def add(self, stages: Iterable[Stage]) -> None:
        df, context_dir, paths, unknown, unbounded = self.df, self.context_dir, self.paths, self.unknown, self.unbounded
        for stage in stages:
            base = (stage.base or "").lower()
            dests: list[str | None] = list(self.copied.get(base, ())) if stage.from_ is not None else []
            for step in stage_steps(df, stage):
                instr, state = step.instr, step.state
                keyword = instr.name
                if keyword == "ONBUILD":
                    continue  # runs in the child build, with the child's context
                here: list[str | None] = []  # where this instruction puts the whole context
                context_paths = step.context_paths
                if context_paths is not None and self.reader is None:
                    self.reader = instr
                for raw in context_paths or ():
                    value = expand(raw, state.values, instr.escape)
                    if value is None:
                        unknown.append(f"line {_line(df, instr)}: {keyword} source {raw} holds a variable")
                        continue
                    path = go_clean(value).lstrip("/")
                    if path in ("", "."):
                        self.whole = True
                        self.whole_reader = self.whole_reader or instr
                        here.append(_whole_dest(instr, state))
                    else:
                        paths.append(path)
                if keyword != "RUN":
                    dests.extend(here)
                    continue
                seen = dests + here  # a bind mount lasts for its RUN only
                line = instr.sem.line
                # every match holds "git" or "go": without them the pattern need not even be compiled
                self.git = self.git or (("git" in line or "go" in line) and re.search(_READS_VCS, line) is not None)
                self.docker = self.docker or _names_dockerfiles(line)
                found = _installs(instr)
                if found is None:
                    if seen:
                        unbounded.append(f"line {_line(df, instr)}: a RUN slimfix cannot read")
                    continue
                for install in found:
                    self.node = self.node or (install.tool in _NODE_TOOLS and install.project)
                    if seen and install.project:
                        where = f"line {_line(df, instr)}: `{install.text}`"
                        _follow(install, state.workdir, seen, context_dir, paths, unbounded, where)
            for key in (stage.name, str(stage.index)):
                if key:
                    self.copied[key] = tuple(dests)

    def needs(self) -> Needs:
        return Needs(
            tuple(sorted(set(self.paths))), self.whole, self.node, self.git, self.docker,
            tuple(dict.fromkeys(self.unbounded)), tuple(dict.fromkeys(self.unknown)),
        )

    def first_reader(self) -> Instruction | None:
        """Where SF001 reports, among the stages added so far: the first instruction that sends
        the whole context into the build, else the first that reads the context at all (ONBUILD
        triggers read the child's)."""
        return self.whole_reader or self.reader


def _names_dockerfiles(line: str) -> bool:
    """``re.search(_NAMES_DOCKERFILES, line)``; an ASCII line (nearly all) is lowered and
    searched for the four names instead, which is the same test on ASCII text and 20 times
    faster than the case-blind pattern over a long RUN."""
    if line.isascii():
        low = line.lower()
        return "dockerfile" in low or "dockerignore" in low or "containerfile" in low or "containerignore" in low
    return re.search(_NAMES_DOCKERFILES, line) is not None


def _line(df: Dockerfile, instr: Instruction) -> int:
    return df.lines_of(instr)[0]


def _installs(instr: Instruction) -> list[installs.Install] | None:
    """The dependency installs a RUN runs; None when its command line cannot be read."""
    scr = script(instr)
    if scr is None or scr.opaque:
        return None
    return [found for cmd in scr.commands if (found := installs.recognise(cmd)) is not None]


def _whole_dest(instr: Instruction, state: State) -> str | None:
    """The image folder a whole-context COPY/ADD or bind mount puts the context in."""
    if instr.sem.keyword == "RUN":
        raw = None
        for flag in instr.sem.flags:
            if flag.name == "mount":
                opts = _mount_options(flag.value or "")
                src = opts.get("source") or opts.get("src") or "."
                if "from" not in opts and go_clean(src) == ".":
                    raw = opts.get("target") or opts.get("dst") or opts.get("destination")
                    break
    else:
        raw = instr.sem.value[-1] if len(instr.sem.value) > 1 else None
    value = expand(raw, state.values, instr.escape) if raw else None
    if not value:
        return None
    if not value.startswith("/"):
        if state.workdir is None:
            return None
        value = posixpath.join(state.workdir, value)
    return installs.clean(value)


def _mount_options(value: str) -> dict[str, str]:
    pairs = (part.partition("=") for part in value.split(","))
    return {key.strip().lower(): val.strip() for key, _, val in pairs}


class _CopiedContext:
    """``installs.Files`` over the context as the whole-context sources put it in the image."""

    def __init__(self, root: Path, dests: Sequence[str]) -> None:
        self.root, self.dests = root, dests

    def relpaths(self, path: str) -> list[str]:
        return [posixpath.relpath(path, d) for d in self.dests if installs.under(path, d) and path != d]

    def inside(self, path: str) -> bool:
        return any(installs.under(path, d) for d in self.dests)

    def read(self, path: str) -> str | None:
        for rel in self.relpaths(path):
            try:
                return (self.root / rel).read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
        return None


def _follow(
    install: installs.Install,
    cwd: str | None,
    dests: Sequence[str | None],
    context_dir: Path | None,
    paths: list[str],
    unbounded: list[str],
    where: str,
) -> None:
    """Add the context files ``install`` reads from a copied context to ``paths``."""
    if context_dir is None or cwd is None or None in dests:
        unbounded.append(f"{where} runs where slimfix cannot follow it")
        return
    files = _CopiedContext(Path(context_dir), [d for d in dests if d is not None])
    result = installs.reads(install, cwd, files)
    unbounded.extend(f"{where}: {reason}" for reason in result.source)
    for path in result.files:
        paths.extend(files.relpaths(path))


# ---- the plan ----------------------------------------------------------------------------------


def ignore_file_for(context_dir: Path, dockerfile: Path | None) -> Path:
    """The ignore file a build of ``dockerfile`` uses: its own ``<name>.dockerignore`` if present."""
    return find_ignore_file(Path(context_dir), dockerfile) or Path(context_dir) / ".dockerignore"


def _unsafe(proposal: Proposal, needs: Needs, named: Collection[str]) -> bool:
    """Whether leaving ``proposal`` out may change the image (see the module docstring).

    ``named`` holds the large files a text file of the context names (see ``referenced``).
    """
    if not needs.whole:
        return False  # nothing sends it: no source names it, or propose() would have kept it
    if proposal.category == "large" and _unescape(proposal.pattern) not in named:
        return False  # no file of the context names it or its folders: nothing can open it by name
    return proposal.risky or (proposal.category == "vcs" and needs.runs_git)


_TEXT_LIMIT = 1024 * 1024
_SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__"})
_PATH_MARKS = frozenset("/'\"`")  # what marks a word as a folder: after it, or (as white space may) before it


def _unescape(pattern: str) -> str:
    return re.sub(r"\\(.)", r"\1", pattern)


def referenced(context_dir: Path, relpaths: Iterable[str]) -> set[str]:
    """Those of ``relpaths`` a text file of the context names: the file, its stem, or one of its
    folders as a path.

    A large data file that nothing in the build context names (no source, config or script)
    cannot be opened by name at run time, so leaving it out of the context is safe; one that is
    named, or lives in a folder that is named, may be read, so excluding it stays unsafe.

    One pass over the text files answers for all of ``relpaths`` (it stops once every one is
    found); within ``run_cache`` each answer is kept, so only paths not asked about before cost
    another pass.
    """
    root, relpaths = Path(context_dir), list(relpaths)
    known: dict[str, bool] = kept(root, ("referenced",), dict)
    new = [rel for rel in dict.fromkeys(relpaths) if rel not in known]
    if new:
        found = _referenced(root, new)
        known.update((rel, rel in found) for rel in new)
    return {rel for rel in relpaths if known[rel]}


class _Target:
    """What names one large file: its name or stem anywhere, or a folder of it as a path."""

    def __init__(self, relpath: str) -> None:
        target = PurePosixPath(relpath)
        self.relpath = relpath
        self.words = {target.name}
        if len(target.stem) >= 3:
            self.words.add(target.stem)
        self.folders = target.parent.parts

    def named_in(self, text: str) -> bool:
        return any(word in text for word in self.words) or any(_names_folder(text, part) for part in self.folders)


def _names_folder(text: str, part: str) -> bool:
    """Whether ``text`` names the folder ``part`` as a path ("data/", "/data", 'data'), not as any
    word "data": at the start or after white space, a slash, a quote or a backtick, and followed by
    a slash, a quote or a backtick."""
    at = text.find(part)
    while at != -1:
        end = at + len(part)
        before = text[at - 1] if at else ""
        if (not before or before in _PATH_MARKS or before.isspace()) and end < len(text) and text[end] in _PATH_MARKS:
            return True
        at = text.find(part, at + 1)
    return False


def _referenced(root: Path, relpaths: Sequence[str]) -> set[str]:
    """Those of ``relpaths`` a text file of the context names, in one pass over the text files."""
    left = {rel: _Target(rel) for rel in relpaths}
    found: set[str] = set()
    needles: _Needles | None = None
    for rel, text in _texts(root):
        if rel.endswith("ignore"):
            continue  # ignore files name paths to leave out, not to read
        if needles is None:  # a target is named only where one of its words or folders occurs
            needles = _Needles({needle for target in left.values() for needle in (*target.words, *target.folders)})
        if not needles.any_in(text):
            continue
        hits = [target for target in left.values() if target.relpath != rel and target.named_in(text)]
        for target in hits:
            found.add(target.relpath)
            del left[target.relpath]
        if not left:
            break
        if hits:
            needles = None
    return found


class _Needles:
    """Whether a text holds any of some strings, in a few regular-expression searches.

    One expression per first character, shaped as a trie of the strings starting with it: the
    regex engine searches for a literal prefix quickly, but tries every branch of a long
    alternation at every position (with 200 strings, 7 times slower than ``in`` for each).
    """

    def __init__(self, strings: Iterable[str]) -> None:
        groups: dict[str, list[str]] = {}
        for string in sorted(strings):
            groups.setdefault(string[:1], []).append(string)
        self.patterns = [_trie_pattern(group) for group in groups.values()]

    def any_in(self, text: str) -> bool:
        return any(pattern.search(text) for pattern in self.patterns)


def _trie_pattern(strings: Sequence[str]) -> re.Pattern[str]:
    """A regular expression matching exactly ``strings`` (sorted, not empty)."""
    try:
        return re.compile(_trie(strings))
    except (RecursionError, re.error):  # thousands of nested groups: the plain alternation
        return re.compile("|".join(map(re.escape, strings)))


def _trie(strings: Sequence[str]) -> str:
    """The trie of ``strings`` (sorted) as a regular expression, runs of one child as one literal."""
    common = os.path.commonprefix(list(strings))
    rest = [string[len(common) :] for string in strings]
    optional = rest[0] == ""  # sorted: the empty remainder comes first
    branches: dict[str, list[str]] = {}
    for tail in rest[1:] if optional else rest:
        branches.setdefault(tail[0], []).append(tail)
    body = "|".join(_trie(group) for group in branches.values())
    if not body:
        return re.escape(common)
    if len(branches) > 1 or optional:
        body = f"(?:{body})" + ("?" if optional else "")
    return re.escape(common) + body


def _texts(root: Path) -> Iterator[tuple[str, str]]:
    """(relative path, text) of the context's text files, each read once: regular files up to
    1 MiB with no NUL byte in their first 8 kB, outside VCS data, node_modules, __pycache__ and
    virtual environments."""
    folders = [(root, "")]
    while folders:
        folder, prefix = folders.pop()
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in _SKIP_DIRS and not os.path.exists(os.path.join(entry.path, "pyvenv.cfg")):
                        folders.append((Path(entry.path), prefix + entry.name + "/"))
                    continue
                if not entry.is_file(follow_symlinks=False) or entry.stat(follow_symlinks=False).st_size > _TEXT_LIMIT:
                    continue
                with open(entry.path, "rb") as fh:
                    data = fh.read()
            except OSError:
                continue
            if b"\0" not in data[:8192]:
                yield prefix + entry.name, data.decode("utf-8", "ignore")


def plan(context_dir: Path, ignore_file: Path, needs: Needs, unsafe_fixes: bool) -> Plan | None:
    """The ignore-file proposals for ``needs``; None when there is nothing to propose.

    Raises DockerignoreError for an ignore file Docker would refuse (or that is not UTF-8).
    """
    if needs.unknown or not Path(context_dir).is_dir():
        return None
    old_text = _read(ignore_file)
    patterns = parse_dockerignore(old_text, str(ignore_file))
    found = propose(Path(context_dir), patterns, needs.paths, needs.installs_node_modules)
    applied: list[Proposal] = []
    held: list[Proposal] = []
    unsafe = 0
    large = [_unescape(p.pattern) for p in found if p.category == "large"] if needs.whole else []
    named = referenced(Path(context_dir), large)
    for proposal in found:
        if proposal.category == "docker" and needs.reads_dockerfiles:
            continue
        if not _unsafe(proposal, needs, named):
            applied.append(proposal)
        elif not needs.unbounded:  # an install may read it: never proposed
            (applied if unsafe_fixes else held).append(proposal)
            unsafe += unsafe_fixes
    if all(p.category == "docker" for p in applied):
        applied, unsafe = [], 0  # the Dockerfiles are left out along with another change, never on their own
    if not applied and not held:
        return None
    return Plan(ignore_file, old_text, tuple(applied), tuple(held), unsafe)


def _read(ignore_file: Path) -> str:
    try:
        data = ignore_file.read_bytes()
    except FileNotFoundError:
        return ""
    except OSError as exc:
        raise DockerignoreError(str(ignore_file), 1, exc.strerror or "cannot be read") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DockerignoreError(str(ignore_file), data[: exc.start].count(b"\n") + 1, "not valid UTF-8") from None


def plan_dockerignore(
    context_dir: Path, dockerfiles: Sequence[tuple[Path, Dockerfile | str]], settings: Settings
) -> SideChange | None:
    """The ignore-file change serving every Dockerfile in ``dockerfiles`` (all built with ``context_dir``).

    Each comes as a tree or as text, parsed here one at a time unless this run's check already
    read that text (see ``needs_of``).  They must share one ignore file
    (see ``ignore_file_for``).  Returns None when nothing would change.  Raises DockerignoreError
    for an unreadable ignore file, ValueError when the Dockerfiles use different ignore files.
    """
    context_dir = Path(context_dir)
    targets = [ignore_file_for(context_dir, path) for path, _ in dockerfiles] or [ignore_file_for(context_dir, None)]
    if len({t.resolve() for t in targets}) != 1:
        raise ValueError(f"these Dockerfiles use different ignore files: {', '.join(sorted(set(map(str, targets))))}")
    target = targets[0]
    needs = Needs.merge(needs_of(df, context_dir) for _, df in dockerfiles)
    found = plan(context_dir, target, needs, settings.unsafe_fixes)
    if found is None or not found.applied:
        return None
    new_text = found.new_text
    before = context_size(context_dir, Matcher(parse_dockerignore(found.old_text, str(target))))
    after = context_size(context_dir, Matcher(parse_dockerignore(new_text, str(target))))
    return SideChange(target, found.old_text, new_text, before, after, found.held_back, found.unsafe > 0)


# ---- for the diagnostic: the same plan, remembered for a moment --------------------------------

_recent: dict[tuple, tuple[float, tuple[Plan, int, int] | None]] = {}


def summary(context_dir: Path, ignore_file: Path, needs: Needs, unsafe_fixes: bool) -> tuple[Plan, int, int] | None:
    """(plan, files and bytes the applicable proposals leave out) for the diagnostic, or None.

    The fix loop checks a file several times in a row and an editor on every keystroke, so the
    answer is kept for two seconds per context, ignore file and needs.  Raises DockerignoreError.
    """
    key = (str(context_dir), str(ignore_file), _stamp(Path(context_dir)), _stamp(ignore_file), needs, unsafe_fixes)
    now = time.monotonic()
    hit = _recent.get(key)
    if hit is not None and now - hit[0] < _CACHE_SECONDS:
        return hit[1]
    found = plan(context_dir, ignore_file, needs, unsafe_fixes)
    value = None
    if found is not None:
        old = context_size(Path(context_dir), Matcher(parse_dockerignore(found.old_text)))
        new = context_size(Path(context_dir), Matcher(parse_dockerignore(render(found.old_text, found.applied))))
        value = (found, old[0] - new[0], old[1] - new[1])
    # entries are in the order they were put in, which is their time order: the stale ones lead
    while _recent:
        oldest = next(iter(_recent))
        if now - _recent[oldest][0] < _CACHE_SECONDS:
            break
        del _recent[oldest]
    _recent.pop(key, None)
    _recent[key] = (now, value)
    return value


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def size_text(files: int, size: int) -> str:
    """``1,515 files, 30.4 MB``."""
    if size >= 1_000_000:
        amount = f"{size / 1_000_000:.1f} MB"
    elif size >= 1_000:
        amount = f"{size / 1_000:.1f} kB"
    else:
        amount = f"{size} B"
    return f"{files:,} file{'' if files == 1 else 's'}, {amount}"
