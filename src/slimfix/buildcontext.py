"""Find what a build context sends but an image rarely needs, and propose .dockerignore lines.

``propose`` walks the context the way BuildKit would with the current ignore
rules, classifies what it finds (VCS data, virtual environments, caches,
secrets, large files, ...) and returns sorted ``Proposal`` objects.  It never
proposes a line that would leave out a path a COPY/ADD source names: callers
pass those sources as ``needed``.  ``render`` appends the proposals to the
existing ignore-file text without touching a byte of it.

Within ``run_cache()`` (one command-line run) scans, context sizes and other reads of a
context are kept, so a folder of many Dockerfiles sharing one context is scanned once;
see ``kept``.
"""

from __future__ import annotations

import bisect
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from slimfix.cst.record import Frozen, Record
from slimfix.cst.record import init_field as _set
from slimfix.dockerignore import Matcher, Pattern, go_clean, parse_dockerignore, walk_context
from slimfix.io import is_temp_name

__all__ = [
    "LARGE_FILE_BYTES",
    "Proposal",
    "context_size",
    "forget",
    "keep_reads",
    "kept",
    "needed_paths",
    "propose",
    "render",
    "run_cache",
]

LARGE_FILE_BYTES = 1024 * 1024
HEADER = "# added by slimfix"

# Categories in output order, with the reason each proposal carries.
# "safe" categories only hold what no image build reads; "risky" ones
# (build, secret, large) may hold something a RUN step reads after COPY . .
CATEGORIES = {
    "vcs": "version control metadata",
    "venv": "Python virtual environment (has pyvenv.cfg)",
    "python": "Python bytecode",
    "node": "node_modules (the image installs its own dependencies)",
    "cache": "test, lint and coverage caches",
    "editor": "editor files",
    "os": "operating system litter",
    "docker": "Dockerfiles and ignore files (the builder reads them apart from the context)",
    "build": "build output",
    "secret": "looks like a secret",
    "large": "large file",
}
RISKY = frozenset({"build", "secret", "large"})

_DIR_NAMES = {
    ".git": "vcs",
    ".hg": "vcs",
    ".svn": "vcs",
    "__pycache__": "python",
    ".pytest_cache": "cache",
    ".mypy_cache": "cache",
    ".ruff_cache": "cache",
    ".tox": "cache",
    ".nox": "cache",
    ".hypothesis": "cache",
    "htmlcov": "cache",
    ".idea": "editor",
    ".vscode": "editor",
}
_FILE_NAMES = {
    ".coverage": "cache",
    ".DS_Store": "os",
    "Thumbs.db": "os",
    ".env": "secret",
    "id_rsa": "secret",
    "id_dsa": "secret",
    "id_ecdsa": "secret",
    "id_ed25519": "secret",
}
_FILE_SUFFIXES = {".pyc": "python", ".pyo": "python", ".swp": "editor"}
_ENV_TEMPLATES = frozenset({"example", "sample", "template", "dist", "defaults"})
_KEY_SUFFIXES = (".pem", ".key")
_CACHEDIR_SIGNATURE = b"Signature: 8a477f597d28d172789f06886806bc55"
_PY_PROJECT_FILES = ("pyproject.toml", "setup.py", "setup.cfg")
_DIST_SUFFIXES = (".whl", ".tar.gz", ".zip", ".egg")
_ESCAPED = frozenset("*?[]\\^")
_GLOB = frozenset("*?[\\")
_VCS_VERSIONING = ("setuptools_scm", "setuptools-scm", "hatch-vcs", "versioneer", "dunamai", "dynamic-versioning")


class Proposal(Frozen):
    """One line to add to .dockerignore, with why.

    ``risky`` is True when a build step could still read the excluded path
    (build output, secrets, large files, or VCS data a versioning plugin reads).
    """

    __slots__ = _fields = ("pattern", "reason", "category", "risky")
    pattern: str
    reason: str
    category: str
    risky: bool

    def __init__(self, pattern: str, reason: str, category: str, risky: bool = False) -> None:
        _set(self, "pattern", pattern)
        _set(self, "reason", reason)
        _set(self, "category", category)
        _set(self, "risky", risky)


class _Found(Record):
    __slots__ = _fields = ("path", "category", "key", "reason")
    path: str  # context-relative
    category: str
    key: str  # the name or glob that identifies it, "" for content-identified paths
    reason: str

    def __init__(self, path: str, category: str, key: str, reason: str) -> None:
        self.path = path
        self.category = category
        self.key = key
        self.reason = reason


def propose(
    context_dir: Path,
    existing: Sequence[Pattern],
    needed: Sequence[str],
    installs_node_modules: bool = False,
    *,
    large_file_bytes: int = LARGE_FILE_BYTES,
) -> list[Proposal]:
    """Propose ignore lines for what the context sends that the image does not need.

    ``existing`` are the current ignore rules (what they exclude is not proposed
    again); ``needed`` are COPY/ADD source paths or globs, relative to the
    context (``.`` and ``./`` name the whole context and protect nothing);
    ``installs_node_modules`` says the image runs its own npm/yarn/pnpm install.
    """
    root = Path(context_dir)
    matcher = Matcher(existing)
    named = needed_paths(root, needed)
    scm = kept(root, ("scm",), lambda: _reads_vcs_for_version(root))
    key = ("scan", _rules_key(matcher), installs_node_modules, large_file_bytes)
    found = kept(root, key, lambda: _Scanned(_scan(root, matcher, installs_node_modules, large_file_bytes), matcher))
    blocked = found.named_by(named)
    touched = {found.group_of[path] for path in blocked}

    accepted: list[Proposal] = []
    rules = list(existing)

    def accept(candidate: Proposal) -> bool:
        (rule,) = parse_dockerignore(candidate.pattern, "<proposal>")
        if not _keeps_named(rules, rule, named, matcher):
            return False
        accepted.append(candidate)
        rules.append(rule)
        return True

    for index, group in enumerate(found.groups):
        free = [item for item in group.free if item.path not in blocked] if index in touched else group.free
        if group.glob is not None and len(free) == len(group.items):
            if accept(_proposal(group.glob, group.items[0], scm)):
                continue
        for item in free:  # one exact line per path the group could not cover
            literal = _literal(item.path)
            if literal:
                accept(_proposal(literal, item, scm))
    return accepted


class _Group(Record):
    """Found paths one ignore line could cover (same category and key), in scan order."""

    __slots__ = _fields = ("items", "free", "glob")
    items: tuple[_Found, ...]
    free: tuple[_Found, ...]  # the items no exception rule re-includes
    glob: str | None  # the line covering them all; None for a content-identified path

    def __init__(self, items: tuple[_Found, ...], free: tuple[_Found, ...], glob: str | None) -> None:
        self.items = items
        self.free = free
        self.glob = glob


class _Scanned:
    """One scan of a context under one set of ignore rules, indexed once for every ``propose``.

    What does not depend on the named paths (the groups in output order, what an exception
    rule re-includes) is computed here; ``named_by`` then costs a few lookups per named path,
    not a pass over everything found.
    """

    def __init__(self, items: Iterable[_Found], matcher: Matcher) -> None:
        exceptions = [rule for rule in matcher.rules if rule.exclusion]
        keyed: dict[tuple[str, str], list[_Found]] = {}
        for item in items:
            keyed.setdefault((item.category, item.key or item.path), []).append(item)
        order = list(CATEGORIES)
        self.groups: list[_Group] = []
        self.group_of: dict[str, int] = {}
        self.found: dict[str, _Found] = {}
        for (_, key), members in sorted(keyed.items(), key=lambda kv: (order.index(kv[0][0]), kv[0][1])):
            for item in members:
                self.group_of[item.path] = len(self.groups)
                self.found[item.path] = item
            free = tuple(item for item in members if not _matches_with_parents(exceptions, item.path))
            glob = (key if all("/" not in item.path for item in members) else f"**/{key}") if members[0].key else None
            self.groups.append(_Group(tuple(members), free, glob))
        self.risky = sorted(path for path, item in self.found.items() if item.category in RISKY)

    def named_by(self, named: Iterable[str]) -> set[str]:
        """The found paths that must stay for sources naming ``named``: those holding a named path
        (or named themselves), and the risky ones inside a named folder."""
        out: set[str] = set()
        for name in named:
            parts = name.split("/")
            out.update(path for depth in range(1, len(parts) + 1) if (path := "/".join(parts[:depth])) in self.found)
            start = bisect.bisect_left(self.risky, name + "/")
            end = bisect.bisect_left(self.risky, name + "0", start)  # "0" sorts right after "/"
            out.update(self.risky[start:end])
        return out


def _proposal(pattern: str, item: _Found, scm: bool) -> Proposal:
    if item.category == "vcs" and scm:
        return Proposal(pattern, item.reason + " (a VCS-based version plugin may read it)", item.category, True)
    return Proposal(pattern, item.reason, item.category, item.category in RISKY)


def needed_paths(context_dir: Path, needed: Iterable[str]) -> list[str]:
    """The context-relative paths COPY/ADD sources name, globs expanded.

    A literal source that does not exist is kept as given: it is still named.
    Glob elements are matched loosely (a bracket class counts as any one
    character), so a glob protects a superset of what COPY would copy.
    """
    out: set[str] = set()
    for source in needed:
        path = go_clean(source.strip().replace(os.sep, "/")).lstrip("/")
        if path in (".", "", "..") or path.startswith("../"):
            continue
        if any(ch in _GLOB for ch in path):
            out.update(_expand(Path(context_dir), path.split("/"), ""))
        else:
            out.add(path)
    return sorted(out)


def _expand(root: Path, parts: list[str], prefix: str) -> Iterator[str]:
    """Expand a COPY source one path element at a time, as filepath.Glob does."""
    if not parts:
        yield prefix
        return
    head, rest = parts[0], parts[1:]
    join = f"{prefix}/" if prefix else ""
    if not any(ch in _GLOB for ch in head):
        yield from _expand(root, rest, join + head)
        return
    element = re.compile(_loose_glob(head))
    try:
        names = sorted(os.listdir(root / prefix))
    except OSError:
        return
    for name in names:
        if element.fullmatch(name):
            yield from _expand(root, rest, join + name)


def _loose_glob(element: str) -> str:
    """A regex matching at least what Go's filepath.Match(element, name) matches."""
    out = []
    i = 0
    while i < len(element):
        ch = element[i]
        if ch == "*":
            out.append(".*")
        elif ch == "?":
            out.append(".")
        elif ch == "[" and (close := _class_end(element, i)) != -1:
            out.append(".")
            i = close
        elif ch == "\\" and i + 1 < len(element):
            i += 1
            out.append(re.escape(element[i]))
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


def _class_end(element: str, start: int) -> int:
    """Index of the "]" closing the class opened at ``start``, or -1."""
    i = start + 1
    if element[i : i + 1] == "^":
        i += 1
    first = True
    while i < len(element) and (element[i] != "]" or first):
        i += 2 if element[i] == "\\" else 1
        first = False
    return i if i < len(element) else -1


def _reads_vcs_for_version(root: Path) -> bool:
    """Whether a Python project file at the context root uses VCS-based versions."""
    for name in _PY_PROJECT_FILES:
        try:
            text = (root / name).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if any(marker in text for marker in _VCS_VERSIONING):
            return True
    return False


def _within(path: str, ancestor: str) -> bool:
    return path == ancestor or path.startswith(ancestor + "/")


def _matches_with_parents(rules: Sequence[Pattern], path: str) -> bool:
    parts = path.split("/")
    prefixes = ["/".join(parts[:depth]) for depth in range(1, len(parts) + 1)]
    return any(rule.matches(prefix) for rule in rules for prefix in prefixes)


def _keeps_named(rules: Sequence[Pattern], rule: Pattern, named: Sequence[str], before: Matcher) -> bool:
    """True when appending ``rule`` to ``rules`` leaves every named path as ``before`` has it.

    An appended exclude line can only change a path it (or a parent) matches,
    so only those are checked with the full rule list.
    """
    touched = [name for name in named if _matches_with_parents([rule], name)]
    if not touched:
        return True
    after = Matcher([*rules, rule])
    return all(after.excluded(name) == before.excluded(name) for name in touched)


def _literal(path: str) -> str | None:
    """An ignore line matching exactly ``path``, or None if none can."""
    name = path.rsplit("/", 1)[-1]
    if name != name.strip() or any(ch in path for ch in "\n\r") or name in (".", ".."):
        return None
    escaped = "".join("\\" + ch if ch in _ESCAPED else ch for ch in path)
    if escaped[0] in "#!":
        escaped = "\\" + escaped
    try:
        (rule,) = parse_dockerignore(escaped, "<generated>")
    except ValueError:
        return None
    return escaped if rule.pattern is not None and Matcher([rule]).excluded(path) else None


# --- scanning -----------------------------------------------------------------


def _scan(root: Path, matcher: Matcher, node: bool, large: int) -> Iterator[_Found]:
    yield from _scan_dir(root, "", None, matcher, node, large)


def _scan_dir(
    directory: Path, prefix: str, info: tuple[bool, ...] | None, matcher: Matcher, node: bool, large: int
) -> Iterator[_Found]:
    with os.scandir(directory) as scan:
        entries = sorted(scan, key=lambda e: e.name)
    names = {entry.name for entry in entries}
    for entry in entries:
        if is_temp_name(entry.name):
            continue
        rel = prefix + entry.name
        excluded, child_info = matcher.step(rel, info)
        try:
            st = entry.stat(follow_symlinks=False)
        except FileNotFoundError:  # removed since the listing (another process's temporary file)
            continue
        if stat.S_ISDIR(st.st_mode):
            if excluded:
                if not matcher.prunes(rel):
                    yield from _scan_dir(Path(entry.path), rel + "/", child_info, matcher, node, large)
                continue
            found = _classify_dir(Path(entry.path), rel, names, node)
            if found is not None:
                yield found
            else:
                yield from _scan_dir(Path(entry.path), rel + "/", child_info, matcher, node, large)
        elif not excluded:
            found = _classify_file(Path(entry.path), rel, st.st_size, stat.S_ISREG(st.st_mode), large)
            if found is not None:
                yield found


def _classify_dir(path: Path, rel: str, siblings: set[str], node: bool) -> _Found | None:
    name = path.name
    if name in _DIR_NAMES:
        category = _DIR_NAMES[name]
        return _Found(rel, category, name, CATEGORIES[category])
    if node and name == "node_modules":
        return _Found(rel, "node", name, CATEGORIES["node"])
    if (path / "pyvenv.cfg").is_file():
        return _Found(rel, "venv", "", CATEGORIES["venv"])
    if name.endswith(".egg-info"):
        return _Found(rel, "build", "*.egg-info", "Python package metadata (setuptools build output)")
    if _has_cachedir_tag(path):
        return _Found(rel, "cache", "", "cache directory (has CACHEDIR.TAG)")
    reason = _build_output(path, siblings)
    if reason:
        return _Found(rel, "build", "", reason)
    return None


def _build_output(path: Path, siblings: set[str]) -> str:
    """Why ``path`` is obviously build output, or "" if it is not."""
    try:
        children = os.listdir(path)
    except OSError:
        return ""
    python_project = any(name in siblings for name in _PY_PROJECT_FILES)
    if (
        path.name == "dist"
        and python_project
        and children
        and all(name.endswith(_DIST_SUFFIXES) and (path / name).is_file() for name in children)
    ):
        return "Python distributions built from this project"
    if (
        path.name == "build"
        and python_project
        and any(name == "lib" or name.startswith(("lib.", "bdist.", "temp.")) for name in children)
    ):
        return "setuptools build directory"
    if path.name == "target" and "Cargo.toml" in siblings and ({"debug", "release"} & set(children)):
        return "Cargo build directory"
    return ""


def _has_cachedir_tag(path: Path) -> bool:
    try:
        with open(path / "CACHEDIR.TAG", "rb") as tag:
            return tag.read(len(_CACHEDIR_SIGNATURE)) == _CACHEDIR_SIGNATURE
    except OSError:
        return False


def _classify_file(path: Path, rel: str, size: int, regular: bool, large: int) -> _Found | None:
    name = path.name
    if name in _FILE_NAMES:
        category = _FILE_NAMES[name]
        return _Found(rel, category, name, CATEGORIES[category])
    if name.startswith(".coverage."):
        return _Found(rel, "cache", ".coverage.*", CATEGORIES["cache"])
    if name.startswith(".env.") and name.split(".")[-1].lower() not in _ENV_TEMPLATES:
        return _Found(rel, "secret", name, "environment file (may hold secrets)")
    suffix = os.path.splitext(name)[1]
    if suffix in _FILE_SUFFIXES:
        category = _FILE_SUFFIXES[suffix]
        return _Found(rel, category, "*" + suffix, CATEGORIES[category])
    if regular and name.endswith(_KEY_SUFFIXES) and _holds_private_key(path):
        return _Found(rel, "secret", "", "private key")
    if regular and size > large:
        return _Found(rel, "large", "", f"large file ({size / 1024 / 1024:.1f} MiB)")
    docker = _docker_key(name)
    if docker:
        return _Found(rel, "docker", docker, CATEGORIES["docker"])
    return None


def _docker_key(name: str) -> str:
    """The ignore line for a Dockerfile or ignore file called ``name``, or ""."""
    if name in ("Dockerfile", "Containerfile", ".dockerignore", ".containerignore"):
        return name
    for stem in ("Dockerfile", "Containerfile"):
        if name.startswith(stem + "."):
            return stem + ".*"
    for suffix in (".Dockerfile", ".dockerfile", ".Containerfile", ".dockerignore", ".containerignore"):
        if name.endswith(suffix):
            return "*" + suffix
    return ""


def _holds_private_key(path: Path) -> bool:
    try:
        with open(path, "rb") as file:
            return b"PRIVATE KEY-----" in file.read(64 * 1024)
    except OSError:
        return False


# --- output -------------------------------------------------------------------


def render(existing_text: str, proposals: Sequence[Proposal]) -> str:
    """``existing_text`` unchanged, followed by a slimfix block with ``proposals``.

    New lines use the file's first line break (LF for a file without one).
    """
    if not proposals:
        return existing_text
    first_line, has_newline, _ = existing_text.partition("\n")
    newline = "\r\n" if has_newline and first_line.endswith("\r") else "\n"
    lines: list[str] = []
    if existing_text and not existing_text.endswith("\n"):
        lines.append("")
    if existing_text.strip():
        lines.append("")
    lines.append(HEADER)
    reason = None
    for proposal in proposals:
        if proposal.reason != reason:
            reason = proposal.reason
            lines.append(f"# {reason}")
        lines.append(proposal.pattern)
    return existing_text + newline.join(lines) + newline


def context_size(context_dir: Path, matcher: Matcher) -> tuple[int, int]:
    """(files, bytes) BuildKit would send for this context and these rules."""
    return kept(Path(context_dir), ("size", _rules_key(matcher)), lambda: _size(Path(context_dir), matcher))


def _size(root: Path, matcher: Matcher) -> tuple[int, int]:
    files = total = 0
    for _, size in walk_context(root, matcher):
        files += 1
        total += size
    return files, total


# --- one run's reads of its contexts --------------------------------------------

T = TypeVar("T")
_KEEP = 64  # results kept at most; a run visits its contexts roughly in order
_kept: dict[tuple, object] | None = None  # None: outside ``run_cache``, nothing is kept


@contextmanager
def run_cache(on: bool = True) -> Iterator[None]:
    """Keep what ``kept`` computes until the block ends: one command-line run.

    A run treats its build contexts as fixed, except for what it writes itself: whoever writes
    into a context inside the block calls ``forget``.  Outside such a block (the language
    server, the library) every call reads the context afresh.  ``on=False`` keeps nothing.
    """
    global _kept
    saved = _kept
    keep_reads(on)
    try:
        yield
    finally:
        _kept = saved


def keep_reads(on: bool) -> None:
    """From now on keep (or not) what ``kept`` computes: for a pool worker, whose life is one run."""
    global _kept
    _kept = {} if on else None


def forget() -> None:
    """Drop every kept result: something was written into a context."""
    if _kept is not None:
        _kept.clear()


def kept(root: Path, key: tuple, compute: Callable[[], T]) -> T:
    """``compute()``, a read of the context ``root``; within ``run_cache``, kept and reused.

    ``key`` must hold every argument but ``root`` that the result depends on.
    """
    if _kept is None:
        return compute()
    full = (os.fspath(root), *key)
    if full in _kept:
        return _kept[full]  # type: ignore[return-value]
    value = compute()
    if len(_kept) >= _KEEP:
        del _kept[next(iter(_kept))]
    _kept[full] = value
    return value


def _rules_key(matcher: Matcher) -> tuple[tuple[str | None, bool], ...]:
    """What a Matcher's answers depend on."""
    return tuple((rule.pattern, rule.exclusion) for rule in matcher.rules)
