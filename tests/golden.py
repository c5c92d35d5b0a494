"""Golden cases: ``golden/<CODE>-<slug>/<case>.before.Dockerfile`` and an optional
``<case>.after.Dockerfile`` (without one the file must not change).

Optional beside them:
- ``<case>.flags``: command-line style options, one line: ``--no-unsafe-fixes``,
  ``--cache=mounts``, ``--select=SF101,SF102`` (default: the folder's code, unsafe fixes on);
- ``<case>.context/``: the build context folder the transform sees.
"""

from __future__ import annotations

import shlex
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

    def source(self) -> str:
        return self.before.read_bytes().decode("utf-8")  # bytes: keep CRLF and BOM

    def expected(self) -> str:
        return self.after.read_bytes().decode("utf-8") if self.after.exists() else self.source()

    def settings(self) -> Settings:
        select = frozenset({self.folder_code})
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
                    select = frozenset(value.split(","))
                elif key == "--all":
                    select = None
                elif key == "--cache":
                    cache = value
                elif key == "--cache-stage":
                    name, _, mode = value.partition(":")
                    stages.append((name, mode))
                else:
                    raise ValueError(f"{flags}: unknown flag {flag}")
        return Settings(select=select, unsafe_fixes=unsafe, cache=cache, cache_stages=tuple(stages), context=self.context)


def cases() -> list[Case]:
    return [Case(p) for p in sorted(GOLDEN.glob("*/*.before.Dockerfile"))]
