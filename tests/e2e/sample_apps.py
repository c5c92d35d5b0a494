"""The sample apps of the e2e suite, copied into a scratch folder ready to build.

Some clutter that a real checkout has is not kept in the repository: ``prepare_app`` makes
it in the copy.  ``fastapi_pandas`` gets a ``.venv/``, a ``.git/`` and a large data file,
the things a missing ``.dockerignore`` drags into ``COPY . /app``.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

APPS_DIR = Path(__file__).parent / "apps"
NAIVE_APPS = (
    "fastapi_pandas",
    "flask_psycopg2",
    "poetry_app",
    "node_express",
    "go_service",
)
ALL_APPS = (*NAIVE_APPS, "optimal")
CLUTTERED_APPS = ("fastapi_pandas",)
HAND_OPTIMISED = "hand_optimised.Dockerfile"
MiB = 1024 * 1024


def prepare_app(name: str, dest: Path, hand_optimised: bool = False) -> Path:
    """Copy app `name` to `dest/name`, add its clutter, and return the copy's path.

    With `hand_optimised`, the app's ``hand_optimised.dockerignore`` becomes the copy's
    ``.dockerignore``, as the hand-optimised build expects.
    """
    source = APPS_DIR / name
    if not (source / "Dockerfile").is_file():
        raise ValueError(f"{source}: no such sample app (known: {', '.join(ALL_APPS)})")
    app = dest / name
    shutil.copytree(source, app)
    if name in CLUTTERED_APPS:
        add_clutter(app)
    if hand_optimised:
        shutil.copy(app / "hand_optimised.dockerignore", app / ".dockerignore")
    return app


def smoke_command(name: str) -> str:
    """The one-line shell command that checks app `name` inside its built image."""
    return (APPS_DIR / name / "smoke.txt").read_text().strip()


def add_clutter(app: Path) -> None:
    """Add a virtualenv, a git directory and a 3 MiB data file, all incompressible."""
    venv = app / ".venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin/python").symlink_to("/usr/bin/python3")
    (venv / "pyvenv.cfg").write_text(
        "home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.2\n"
    )
    _write_noise(venv / "lib/python3.11/site-packages/fat_wheel/_native.so", 2 * MiB)
    (app / ".git/refs/heads").mkdir(parents=True)
    (app / ".git/HEAD").write_text("ref: refs/heads/main\n")
    (app / ".git/config").write_text(
        "[core]\n\trepositoryformatversion = 0\n\tbare = false\n"
    )
    _write_noise(app / ".git/objects/pack/pack-0000.pack", MiB)
    _write_noise(app / "data/events.bin", 3 * MiB)


def _write_noise(path: Path, size: int) -> None:
    """Write `size` deterministic, incompressible bytes (identical on every run)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(hashlib.shake_256(path.name.encode()).digest(size))
