"""Find Dockerfiles and their build contexts: Compose files and a repository walk.

``compose_builds`` reads the Compose files of one folder (``compose.yaml`` and
friends, merged with their ``.override.`` variants) and returns every service
that builds an image, with its context and Dockerfile.  ``discover`` walks a
repository, skipping what ``.gitignore`` files ignore, and pairs every
Dockerfile with the context it is built with.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from slimfix.cst.record import Frozen
from slimfix.cst.record import init_field as _set
from slimfix.errors import ComposeError  # defined with the other errors: the runner need not import this module

if TYPE_CHECKING:  # pathspec and ruamel.yaml load on first use: start-up time matters to editors
    import pathspec

__all__ = [
    "COMPOSE_FILE_NAMES",
    "ComposeBuild",
    "ComposeError",
    "Target",
    "compose_builds",
    "discover",
    "find_compose_files",
    "is_dockerfile_name",
    "read_compose",
]

COMPOSE_FILE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
SKIPPED_DIRS = frozenset({".git", "node_modules", ".venv"})
DEFAULT_DOCKERFILE = "Dockerfile"
_URL = r"^([a-z][a-z0-9+.-]*://|git@)"  # compiled on first use (re's cache): few runs read Compose files


# Records, not dataclasses or named tuples: equal and hashed by their fields all the same, and
# far cheaper to define at import, which every ``slimfix`` run pays.
class ComposeBuild(Frozen):
    """A Compose service that builds an image."""

    __slots__ = _fields = ("service", "compose_file", "line", "context", "dockerfile")
    service: str
    compose_file: Path
    line: int  # where the service is defined
    context: Path
    dockerfile: Path

    def __init__(self, service: str, compose_file: Path, line: int, context: Path, dockerfile: Path) -> None:
        _set(self, "service", service)
        _set(self, "compose_file", compose_file)
        _set(self, "line", line)
        _set(self, "context", context)
        _set(self, "dockerfile", dockerfile)


class Target(Frozen):
    """A Dockerfile and the context it is built with; ``discover`` sorts them by their fields."""

    __slots__ = _fields = ("dockerfile", "context", "services")
    dockerfile: Path
    context: Path
    services: tuple[str, ...]  # Compose services building it this way

    def __init__(self, dockerfile: Path, context: Path, services: tuple[str, ...] = ()) -> None:
        _set(self, "dockerfile", dockerfile)
        _set(self, "context", context)
        _set(self, "services", services)


def _override_name(name: str) -> str:
    stem, ext = name.rsplit(".", 1)
    return f"{stem}.override.{ext}"


def find_compose_files(folder: Path) -> list[Path]:
    """Compose files in ``folder``, each base file followed by its override."""
    found = []
    for name in COMPOSE_FILE_NAMES:
        for candidate in (name, _override_name(name)):
            path = Path(folder) / candidate
            if path.is_file():
                found.append(path)
    return found


def _load(path: Path) -> object:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ComposeError(path, None, f"not valid UTF-8 (byte {exc.start})") from None
    try:
        return YAML(typ="rt").load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = " ".join(part for part in (exc.context, exc.problem) if part) or "invalid YAML"
        raise ComposeError(path, mark.line + 1 if mark else None, reason) from None
    except YAMLError as exc:
        raise ComposeError(path, None, str(exc)) from None


def _line(mapping: object, key: object) -> int | None:
    from ruamel.yaml.comments import CommentedMap

    if isinstance(mapping, CommentedMap):
        try:
            return mapping.lc.key(key)[0] + 1
        except (KeyError, TypeError):
            return None
    return None


def _string(value: object, path: Path, line: int | None, what: str) -> str:
    if not isinstance(value, str):
        raise ComposeError(path, line, f"{what} must be a string, not {type(value).__name__}")
    return value


def read_compose(path: Path) -> dict[str, tuple[int, dict[str, str]]]:
    """Service name -> (line, build fields) for services with ``build:`` in one file.

    The build fields are ``context`` and ``dockerfile`` when given, exactly as
    written.  Raises ComposeError for invalid YAML or a malformed ``build``.
    """
    path = Path(path)
    document = _load(path)
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise ComposeError(path, 1, "top level must be a mapping")
    services = document.get("services") or {}
    if not isinstance(services, dict):
        raise ComposeError(path, _line(document, "services"), "services must be a mapping")
    result: dict[str, tuple[int, dict[str, str]]] = {}
    for name, service in services.items():
        line = _line(services, name) or 1
        if service is None:
            continue
        if not isinstance(service, dict):
            raise ComposeError(path, line, f"service {name!r} must be a mapping")
        if "build" not in service:
            continue
        build = service["build"]
        build_line = _line(service, "build")
        if isinstance(build, str):
            result[str(name)] = (line, {"context": build})
        elif isinstance(build, dict):
            fields = {}
            for key in ("context", "dockerfile"):
                if build.get(key) is not None:
                    fields[key] = _string(build[key], path, _line(build, key), f"build.{key} of {name!r}")
            result[str(name)] = (line, fields)
        elif build is not None:
            raise ComposeError(path, build_line, f"build of {name!r} must be a string or a mapping")
    return result


def compose_builds(folder: Path) -> list[ComposeBuild]:
    """Every building service of the Compose files in ``folder``, overrides merged.

    Paths are resolved like Compose does: the context against the folder, the
    Dockerfile against the context.  Remote contexts (URLs), inline
    Dockerfiles and paths with unexpanded ``$`` variables are left out.
    """
    folder = Path(folder)
    builds: list[ComposeBuild] = []
    for base in COMPOSE_FILE_NAMES:
        files = [folder / base, folder / _override_name(base)]
        merged: dict[str, tuple[Path, int, dict[str, str]]] = {}
        for path in files:
            if not path.is_file():
                continue
            for service, (line, fields) in read_compose(path).items():
                if service in merged:  # an override changes only the fields it sets
                    first_path, first_line, first_fields = merged[service]
                    merged[service] = (first_path, first_line, {**first_fields, **fields})
                else:
                    merged[service] = (path, line, fields)
        for service, (path, line, fields) in sorted(merged.items()):
            context = fields.get("context", ".")
            dockerfile = fields.get("dockerfile", DEFAULT_DOCKERFILE)
            if re.match(_URL, context, re.IGNORECASE) or "$" in context or "$" in dockerfile:
                continue
            context_dir = Path(os.path.normpath(folder / context))
            builds.append(
                ComposeBuild(service, path, line, context_dir, Path(os.path.normpath(context_dir / dockerfile)))
            )
    return builds


def is_dockerfile_name(name: str) -> bool:
    """``Dockerfile``, ``*.Dockerfile``, ``Dockerfile.*`` (not ``*.dockerignore``), ``Containerfile``."""
    if name.endswith(".dockerignore"):
        return False
    return name in ("Dockerfile", "Containerfile") or name.endswith(".Dockerfile") or name.startswith("Dockerfile.")


def _gitignore(directory: Path) -> pathspec.PathSpec | None:
    import pathspec

    try:
        lines = (directory / ".gitignore").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return pathspec.GitIgnoreSpec.from_lines(lines)


def _ignored(specs: list[tuple[str, pathspec.PathSpec]], rel: str, is_dir: bool) -> bool:
    """Git's answer for ``rel``: the deepest .gitignore with a matching line decides."""
    for base, spec in reversed(specs):
        local = rel[len(base) + 1 :] if base else rel
        result = spec.check_file(local + "/" if is_dir else local)
        if result.include is not None:
            return result.include
    return False


def _walk(root: Path) -> Iterator[tuple[Path, list[str]]]:
    """Yield (folder, file names) under ``root``, skipping ignored and vendored folders."""
    stack: list[tuple[str, pathspec.PathSpec]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        folder = Path(dirpath)
        rel = folder.relative_to(root).as_posix()
        rel = "" if rel == "." else rel
        stack = [(base, spec) for base, spec in stack if not base or rel == base or rel.startswith(base + "/")]
        spec = _gitignore(folder)
        if spec is not None:
            stack.append((rel, spec))
        prefix = f"{rel}/" if rel else ""
        dirnames[:] = sorted(
            name
            for name in dirnames
            if name not in SKIPPED_DIRS
            and not (folder / name / "pyvenv.cfg").is_file()
            and not _ignored(stack, prefix + name, True)
        )
        yield folder, sorted(name for name in filenames if not _ignored(stack, prefix + name, False))


def discover(root: Path) -> list[Target]:
    """Every Dockerfile under ``root`` with the context it is built with.

    A Dockerfile that a Compose service builds gets that service's context
    (one Target per distinct context); any other gets its own folder.  A
    Dockerfile a Compose file names is included even if its name is unusual.
    Raises ComposeError for a Compose file that cannot be read.
    """
    root = Path(os.path.normpath(root))
    dockerfiles: list[Path] = []
    contexts: dict[Path, dict[Path, list[str]]] = {}
    for folder, names in _walk(root):
        dockerfiles += [folder / name for name in names if is_dockerfile_name(name)]
        if any(name in names for name in COMPOSE_FILE_NAMES):
            for build in compose_builds(folder):
                if build.dockerfile.is_file():
                    contexts.setdefault(build.dockerfile, {}).setdefault(build.context, []).append(build.service)
    targets = {
        Target(dockerfile, context, tuple(sorted(set(services))))
        for dockerfile, by_context in contexts.items()
        for context, services in by_context.items()
    }
    targets.update(Target(path, path.parent) for path in dockerfiles if path not in contexts)
    return sorted(targets, key=Target._key)  # by dockerfile, context, services
