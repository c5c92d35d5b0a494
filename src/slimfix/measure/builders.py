"""The image builders ``slimfix measure`` can drive, as pure command-line builders.

Each builder only says which command lines build an image, describe it, run a command in
it and remove it, and how to read what the describing commands print.  ``process.run``
executes them.  ``detect`` picks the first that works here, in the order docker (buildx,
else ``docker build`` with BuildKit), podman, buildah; a ``docker`` command whose daemon
does not answer is passed over.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from slimfix.measure.layers import HistoryEntry
from slimfix.measure.process import MeasureError, run

NAMES = ("docker", "podman", "buildah")
PROBE_TIMEOUT = 20.0
Argv = tuple[str, ...]


@dataclass(frozen=True)
class ImageFacts:
    """What the builder says about a built image."""

    size: int  # bytes, uncompressed, as the builder stores it
    layers: int
    history: tuple[HistoryEntry, ...]  # oldest first


@dataclass(frozen=True)
class Builder:
    """Command lines for one builder; subclasses fill in the differences."""

    name: ClassVar[str] = ""
    program: str = ""

    def build(self, dockerfile: Path, context: Path, tag: str, *, cache: bool) -> Argv:
        raise NotImplementedError

    def build_env(self) -> dict[str, str]:
        return {}

    def describe(self, tag: str) -> tuple[Argv, ...]:
        """Commands whose outputs, in order, ``facts`` reads."""
        raise NotImplementedError

    def facts(self, outputs: Sequence[str]) -> ImageFacts:
        raise NotImplementedError

    def create_container(self, image: str) -> Argv | None:
        """A command printing a container id to run the smoke command in (None: run the image)."""
        return None

    def run_in(self, target: str, command: str) -> Argv:
        """Run ``sh -c command`` in a container of the image (``target``: image or container id)."""
        return (self.program, "run", "--rm", "--entrypoint", "sh", target, "-c", command)

    def remove_container(self, container: str) -> Argv | None:
        return None

    def remove_image(self, tag: str) -> Argv:
        return (self.program, "rmi", tag)


@dataclass(frozen=True)
class Docker(Builder):
    name: ClassVar[str] = "docker"
    program: str = "docker"
    buildx: bool = True

    def build(self, dockerfile: Path, context: Path, tag: str, *, cache: bool) -> Argv:
        verb = ("buildx", "build", "--load") if self.buildx else ("build",)
        return (
            self.program, *verb, "--progress=plain", *(() if cache else ("--no-cache",)),
            "-t", tag, "-f", str(dockerfile), str(context),
        )

    def build_env(self) -> dict[str, str]:
        return {} if self.buildx else {"DOCKER_BUILDKIT": "1"}

    def describe(self, tag: str) -> tuple[Argv, ...]:
        return (
            (self.program, "image", "inspect", tag),
            (self.program, "history", "--human=false", "--no-trunc", "--format", "{{json .}}", tag),
        )

    def facts(self, outputs: Sequence[str]) -> ImageFacts:
        image = _first_object(outputs[0], "docker image inspect")
        rows = [json.loads(line) for line in outputs[1].splitlines() if line.strip()]
        return _engine_facts(image, rows)


@dataclass(frozen=True)
class Podman(Builder):
    name: ClassVar[str] = "podman"
    program: str = "podman"

    def build(self, dockerfile: Path, context: Path, tag: str, *, cache: bool) -> Argv:
        return (
            self.program, "build", "--layers", *(() if cache else ("--no-cache",)),
            "-t", tag, "-f", str(dockerfile), str(context),
        )

    def describe(self, tag: str) -> tuple[Argv, ...]:
        return (
            (self.program, "image", "inspect", tag),
            (self.program, "history", "--no-trunc", "--format", "json", tag),
        )

    def facts(self, outputs: Sequence[str]) -> ImageFacts:
        image = _first_object(outputs[0], "podman image inspect")
        rows = _json(outputs[1], "podman history")
        if not isinstance(rows, list):
            raise MeasureError("podman history printed no list of layers")
        return _engine_facts(image, rows)


@dataclass(frozen=True)
class Buildah(Builder):
    name: ClassVar[str] = "buildah"
    program: str = "buildah"
    isolation: str | None = "chroot"  # None: buildah's own default (or BUILDAH_ISOLATION)

    def _isolation(self) -> Argv:
        return ("--isolation", self.isolation) if self.isolation else ()

    def build(self, dockerfile: Path, context: Path, tag: str, *, cache: bool) -> Argv:
        return (
            self.program, "bud", *self._isolation(), "--pull=false", "--layers",
            *(() if cache else ("--no-cache",)), "-t", tag, "-f", str(dockerfile), str(context),
        )

    def describe(self, tag: str) -> tuple[Argv, ...]:
        return ((self.program, "inspect", "--type", "image", tag),)

    def facts(self, outputs: Sequence[str]) -> ImageFacts:
        info = _json(outputs[0], "buildah inspect")
        try:
            manifest = json.loads(info["Manifest"])
            sizes = [int(layer["size"]) for layer in manifest["layers"]]
            steps = (info.get("OCIv1") or {}).get("history") or []
        except (KeyError, TypeError, ValueError) as exc:
            raise MeasureError(f"buildah inspect: unexpected image description ({exc})") from None
        made = [step for step in steps if not step.get("empty_layer")]
        if len(made) != len(sizes):  # no usable history: the layers alone
            history = tuple(HistoryEntry("", size) for size in sizes)
        else:
            it = iter(sizes)
            history = tuple(
                HistoryEntry(step.get("created_by", ""), 0 if step.get("empty_layer") else next(it),
                             bool(step.get("empty_layer")))
                for step in steps
            )
        return ImageFacts(sum(sizes), len(sizes), history)

    def create_container(self, image: str) -> Argv | None:
        return (self.program, "from", "--pull=never", image)

    def run_in(self, target: str, command: str) -> Argv:
        return (self.program, "run", *self._isolation(), target, "--", "sh", "-c", command)

    def remove_container(self, container: str) -> Argv | None:
        return (self.program, "rm", container)


def _json(text: str, what: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        raise MeasureError(f"{what} printed no JSON: {text.strip()[:200]!r}") from None


def _first_object(text: str, what: str) -> dict:
    data = _json(text, what)
    if isinstance(data, list) and data and isinstance(data[0], dict):
        return data[0]
    raise MeasureError(f"{what} printed no image description")


def _field(row: dict, name: str) -> object:
    for key, value in row.items():
        if key.lower() == name.lower():
            return value
    return None


def _engine_facts(image: dict, rows: list) -> ImageFacts:
    """Facts from ``image inspect`` (total size, layer list) and ``history`` (newest first)."""
    layers = (_field(image, "RootFS") or {}).get("Layers") or []
    history = []
    for row in reversed(rows):
        size = to_bytes(_field(row, "Size"))
        history.append(HistoryEntry(str(_field(row, "CreatedBy") or ""), size, size == 0))
    return ImageFacts(to_bytes(_field(image, "Size")), len(layers), tuple(history))


_HUMAN = re.compile(r"\s*([0-9.]+)\s*([kKMGT]?i?)B?\s*")
_UNITS = {"": 1, "k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12,
          "ki": 1024, "Ki": 1024, "Mi": 1024**2, "Gi": 1024**3, "Ti": 1024**4}


def to_bytes(value: object) -> int:
    """A size as builders print it (an int, "1234", or "12.3MB" when --human is ignored)."""
    if isinstance(value, (int, float)):
        return int(value)
    match = _HUMAN.fullmatch(str(value or "0"))
    if not match:
        raise MeasureError(f"cannot read the size {value!r}")
    return int(float(match.group(1)) * _UNITS[match.group(2)])


# --- detection ---------------------------------------------------------------------


Probe = Callable[[Argv], "str | None"]
Which = Callable[[str], "str | None"]


def probe(argv: Argv) -> str | None:
    """None when ``argv`` succeeds, else the reason it failed (its output's last line)."""
    try:
        done = run(argv, timeout=PROBE_TIMEOUT, keep=20)
    except MeasureError as exc:
        return str(exc).splitlines()[0]
    return None if done.ok else (done.tail(1) or f"exit status {done.returncode}")


def usable(name: str, which: Which, check: Probe) -> Builder | str:
    """The builder ``name`` if it works here, else why it does not."""
    if which(name) is None:
        return f"{name} is not installed (not on PATH)"
    if name == "docker":
        problem = check(("docker", "version", "--format", "{{.Server.Version}}"))
        if problem is not None:
            return f"docker is installed but its daemon does not answer: {problem}"
        return Docker(buildx=check(("docker", "buildx", "version")) is None)
    if name == "podman":
        return Podman()
    return Buildah(isolation=None if os.environ.get("BUILDAH_ISOLATION") else "chroot")


def detect(choice: str | None = None, which: Which | None = None, check: Probe | None = None) -> Builder:
    """The chosen builder, or the first usable one of NAMES; MeasureError says why none.

    ``which`` and ``check`` default to ``shutil.which`` and ``probe``, looked up at call time.
    """
    which = which or shutil.which
    check = check or probe
    if choice is not None and choice not in NAMES:
        raise MeasureError(f"--builder must be one of {', '.join(NAMES)}, not {choice!r}")
    reasons = []
    for name in (choice,) if choice else NAMES:
        found = usable(name, which, check)
        if isinstance(found, Builder):
            return found
        reasons.append(found)
    raise MeasureError(
        "no image builder to measure with: " + "; ".join(reasons)
        + ". Install Docker (with its daemon running), podman or buildah"
        + (f", or choose another --builder ({', '.join(n for n in NAMES if n != choice)})" if choice else "")
    )
