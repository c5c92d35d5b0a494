"""Golden cases: ``golden/<CODE>-<slug>/<case>.before.Dockerfile`` and an optional
``<case>.after.Dockerfile`` (without one the file must not change).

Optional beside them:
- ``<case>.flags``: command-line style options, one line: ``--no-unsafe-fixes``,
  ``--cache=mounts``, ``--select=SF101,SF102``, ``--all`` (default: the folder's code, unsafe
  fixes on; a folder not named for a code, such as ``pipeline-tutorial/``, must say ``--all``
  or ``--select``);
- ``<case>.context/``: the build context folder the transform sees;
- ``<case>.before.dockerignore`` / ``<case>.after.dockerignore`` (SF001): the context's
  ``.dockerignore`` before, and as the fix leaves it (without an ``.after``, unchanged).

Some context files cannot live in the repository as themselves: git refuses a folder named
``.git``, the repository's .gitignore drops ``.venv/``, ``__pycache__/``, ``*.pyc``,
``build/``, ``dist/``, and a file over 1 MB is too big to commit.  ``materialise`` copies a
``.context/`` folder to a temporary one and there
- renames every path component ``_dot_NAME`` to ``.NAME`` (``_dot_git/HEAD`` -> ``.git/HEAD``);
- creates the files listed in the folder's ``GENERATED`` manifest, one ``SIZE PATH`` per line
  (``#`` starts a comment), each SIZE bytes of ``x``, and drops the manifest.
Tests that need the context on disk as a build would see it use the materialised copy.
"""

from __future__ import annotations

import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

from slimfix.engine import Settings

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "golden"


@dataclass(frozen=True)
class Case:
    before: Path

    @property
    def folder_code(self) -> str:
        return self.before.parent.name.split("-")[0]

    @property
    def name(self) -> str:
        return self.before.name[: -len(".before.Dockerfile")]

    @property
    def after(self) -> Path:
        return self.before.with_name(f"{self.name}.after.Dockerfile")

    @property
    def context(self) -> Path | None:
        ctx = self.before.with_name(f"{self.name}.context")
        return ctx if ctx.is_dir() else None

    @property
    def ignore_before(self) -> Path:
        return self.before.with_name(f"{self.name}.before.dockerignore")

    @property
    def ignore_after(self) -> Path:
        return self.before.with_name(f"{self.name}.after.dockerignore")

    def source(self) -> str:
        return self.before.read_bytes().decode("utf-8")  # bytes: keep CRLF and BOM

    def expected(self) -> str:
        return self.after.read_bytes().decode("utf-8") if self.after.exists() else self.source()

    def settings(self) -> Settings:
        select: frozenset[str] | None = frozenset({self.folder_code})
        chosen = re.fullmatch(r"SF\d{3}", self.folder_code) is not None
        unsafe = True
        cache = "clean"
        stages: list[tuple[str, str]] = []
        flags = self.before.with_name(f"{self.name}.flags")
        if flags.exists():
            for flag in shlex.split(flags.read_text()):
                key, _, value = flag.partition("=")
                if key == "--no-unsafe-fixes":
                    unsafe = False
                elif key == "--select":
                    select, chosen = frozenset(value.split(",")), True
                elif key == "--all":
                    select, chosen = None, True
                elif key == "--cache":
                    cache = value
                elif key == "--cache-stage":
                    name, _, mode = value.partition(":")
                    stages.append((name, mode))
                else:
                    raise ValueError(f"{flags}: unknown flag {flag}")
        if not chosen:
            raise ValueError(f"{self.before}: the folder is not named for a code; its .flags must say --all or --select")
        return Settings(select=select, unsafe_fixes=unsafe, cache=cache, cache_stages=tuple(stages), context=self.context)


def cases() -> list[Case]:
    return [Case(p) for p in sorted(GOLDEN.glob("*/*.before.Dockerfile"))]


MANIFEST = "GENERATED"
DOT = "_dot_"


def materialise(folder: Path, dest: Path) -> Path:
    """Copy the ``.context/`` ``folder`` to ``dest`` as a build would see it (see the module doc)."""
    dest.mkdir(parents=True, exist_ok=True)
    for src in sorted(folder.rglob("*")):
        rel = src.relative_to(folder)
        if rel.as_posix() == MANIFEST:
            continue
        target = dest.joinpath(*(_undot(part) for part in rel.parts))
        if src.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target)
    manifest = folder / MANIFEST
    if manifest.exists():
        for number, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            size, _, rel = line.strip().partition(" ")
            if not size.isdigit() or not rel:
                raise ValueError(f"{manifest}:{number}: expected SIZE PATH, got {line!r}")
            target = dest.joinpath(*(_undot(part) for part in rel.split("/")))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(b"x" * int(size))
    return dest


def _undot(part: str) -> str:
    return "." + part[len(DOT) :] if part.startswith(DOT) else part
