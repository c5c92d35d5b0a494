"""Files slimfix changes beside the Dockerfiles: SF001's ignore files, one per build context.

The runner hands every Dockerfile it fixed (or failed to read) to ``SideFiles.add``; after the
last one, ``flush`` groups them by the ignore file their builds use, so a context shared by
several Dockerfiles gets one ``.dockerignore`` that serves them all, and shows (``--diff``),
counts (``--check``) or writes (``--write``) each change.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TextIO

from slimfix.buildcontext import forget
from slimfix.compose import is_dockerfile_name
from slimfix.context_fix import Needs, SideChange, ignore_file_for, kept_needs, plan_dockerignore, size_text
from slimfix.cst import parse
from slimfix.engine import Edit, FixResult, Settings
from slimfix.errors import SlimfixError
from slimfix.io import decode, unified_diff, write_atomic

if TYPE_CHECKING:
    from slimfix.runner import Options, Report

CODE = "SF001"


class SideReport(NamedTuple):
    """A change to a file beside the Dockerfiles, for the machine-readable outputs."""

    path: str  # the ignore file, as the run names it
    dockerfiles: tuple[str, ...]  # whose SF001 findings it answers, as the run names them
    change: SideChange
    edit: Edit  # old_text -> new_text as one replacement (offsets in old_text)


def edit_between(old: str, new: str) -> Edit:
    """The one replacement that turns ``old`` into ``new``: what lies between their common ends."""
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old -= 1
        end_new -= 1
    return Edit(start, end_old, new[start:end_new])


class _Group:
    """The Dockerfiles whose builds use one ignore file."""

    __slots__ = ("context", "target", "texts", "members", "settings", "blocked", "reporters")

    def __init__(self, context: Path, target: Path) -> None:
        self.context = context
        self.target = target  # the ignore file, as the first Dockerfile's path names it
        self.texts: list[tuple[Path, str]] = []  # parsed only if the group is flushed
        self.members: list[Path] = []  # as the run names them: resolved only if the group is flushed
        self.settings: Settings | None = None  # of the first Dockerfile SF001 reported on
        self.blocked: list[str] = []
        self.reporters: list[str] = []  # the Dockerfiles SF001 reported on, as the run names them


class SideFiles:
    """Keeps each Dockerfile's texts (not trees) until ``flush``, which parses only the groups it plans for."""

    def __init__(self) -> None:
        self.groups: dict[Path, _Group] = {}
        self.done: dict[Path, tuple[Settings, tuple[str, ...], bool]] = {}  # settings, texts, SF001 reported
        self._real: dict[Path, Path] = {}  # path -> path.resolve(), for the contexts and ignore files

    def add(self, path: Path, settings: Settings, result: FixResult, needs: Mapping[str, Needs] | None = None) -> None:
        """A Dockerfile the runner read and fixed, with the settings (and context) it used.

        ``needs``: what ``needs_seen`` gave for it in the pool worker that checked it.
        """
        texts = tuple(dict.fromkeys((result.source, result.output)))
        if settings.context is not None:
            known = kept_needs(Path(settings.context))
            for text in texts:  # keyed by the strings kept here, not by a tree's or a worker's copy
                found = known.pop(text, None) or (needs or {}).get(text)
                if found is not None:
                    known[text] = found
        self._add(path, settings, texts, any(d.code == CODE for d in result.remaining))

    def _add(self, path: Path, settings: Settings, texts: tuple[str, ...], reported: bool) -> None:
        self.done[path] = (settings, texts, reported)
        if settings.context is None:
            return
        group = self._group(Path(settings.context), path)
        group.members.append(path)
        group.texts.extend((path, text) for text in texts)
        if reported:
            group.reporters.append(str(path))
            if group.settings is None:
                group.settings = settings

    def also(self, path: Path, context: Path) -> None:
        """``path``, already added, is built with ``context`` too (a second Compose context)."""
        if path in self.done:
            settings, texts, reported = self.done[path]
            self._add(path, settings.replace(context=context), texts, reported)

    def skipped(self, path: Path, settings: Settings) -> None:
        """A Dockerfile the configuration excludes: not fixed, but what it copies must stay."""
        if settings.context is None:
            return
        group = self._group(Path(settings.context), path)
        try:
            group.texts.append((path, _parsable(path)))
        except (OSError, SlimfixError) as exc:
            group.blocked.append(f"{path} could not be read ({exc})")
        group.members.append(path)

    def failed(self, path: Path, context: Path) -> None:
        """A Dockerfile that could not be read: its context's ignore file is left alone."""
        self._group(context, path).blocked.append(f"{path} could not be read")

    def _group(self, context: Path, dockerfile: Path) -> _Group:
        target = ignore_file_for(context, dockerfile)
        group = self.groups.setdefault(self._resolved(target), _Group(context, target))
        if self._resolved(group.context) != self._resolved(context):
            group.blocked.append(f"{target} serves builds with two contexts ({group.context} and {context})")
        return group

    def _resolved(self, path: Path) -> Path:
        """``path.resolve()``, once per path for the run (a batch shares one context)."""
        found = self._real.get(path)
        if found is None:
            found = self._real[path] = path.resolve()
        return found

    def flush(self, options: Options, report: Report, out: TextIO, err: TextIO) -> None:
        from slimfix.runner import Mode

        for group in self.groups.values():
            if group.settings is None or not group.settings.enabled(CODE):
                continue
            target, name = group.target, str(group.target)
            blocked = group.blocked + _others(group)
            if blocked:
                if not options.quiet:
                    err.write(f"slimfix: {name} left unchanged: {'; '.join(blocked)}\n")
                continue
            try:
                change = plan_dockerignore(group.context, group.texts, group.settings)
            except ValueError as exc:  # DockerignoreError names the file and line
                report.errors.append(str(exc))
                err.write(f"error: {exc}\n")
                continue
            if change is None:
                continue
            if not options.quiet:
                before, after = size_text(*change.size_before), size_text(*change.size_after)
                err.write(f"context {group.context}: {before} -> {after}\n")
            report.changed.append(name)
            if options.mode is Mode.WRITE:
                try:
                    write_atomic(target, change.new_text)
                except OSError as exc:
                    report.errors.append(f"{name}: {exc}")
                    err.write(f"error: {name}: {exc}\n")
                    continue
                forget()  # the context changed: what this run read of it is stale
                if not options.quiet:
                    err.write(f"wrote {name}\n")
            elif options.mode is Mode.CHECK:
                if not options.quiet:
                    err.write(f"would rewrite {name}\n")
            elif options.output_format == "text":  # a machine-readable format owns stdout
                out.write(unified_diff(change.old_text, change.new_text, name))
            report.side.append(SideReport(name, tuple(dict.fromkeys(group.reporters)), change,
                                          edit_between(change.old_text, change.new_text)))


def change_for(path: Path, text: str, settings: Settings) -> SideChange | None:
    """SF001's ignore-file change for the Dockerfile at ``path`` whose text is ``text`` (an
    editor's, perhaps unsaved), serving the other Dockerfiles that share the ignore file as read
    from disk.  None when nothing would change, or when one of those cannot be read.  Raises
    ValueError (a DockerignoreError names the ignore file and line).
    """
    if settings.context is None:
        return None
    files = SideFiles()
    files._add(path, settings, (text,), True)
    group = files._group(Path(settings.context), path)
    if group.blocked or _others(group):
        return None
    return plan_dockerignore(group.context, group.texts, settings)


def needs_seen(settings: Settings, result: FixResult) -> dict[str, Needs]:
    """What this run's check found that ``result``'s texts need from their context, as far as it
    kept it: a pool worker sends it along with the result, so that the ignore-file plan at the end
    of the run (in the parent process) need not parse and analyse the texts again."""
    if settings.context is None:
        return {}
    known = kept_needs(Path(settings.context))
    return {text: known[text] for text in (result.source, result.output) if text in known}


def _others(group: _Group) -> list[str]:
    """Add the other Dockerfiles beside a shared ``.dockerignore`` to ``group``; why not, if they fail.

    A build of any of them would use the same ignore file, so what they copy must stay.
    """
    if group.target.name != ".dockerignore" or not group.context.is_dir():
        return []
    problems = []
    members = {path.resolve() for path in group.members}
    for path in sorted(group.context.iterdir()):
        if path.resolve() in members or not path.is_file() or not is_dockerfile_name(path.name):
            continue
        if ignore_file_for(group.context, path) != group.target:
            continue
        try:
            group.texts.append((path, _parsable(path)))
        except (OSError, SlimfixError) as exc:
            problems.append(f"{path} could not be read ({exc})")
        members.add(path.resolve())
    return problems


def _parsable(path: Path) -> str:
    """The text of the Dockerfile at ``path``; raises OSError or SlimfixError if it cannot be read or parsed."""
    text = decode(path.read_bytes())
    parse(text)
    return text
