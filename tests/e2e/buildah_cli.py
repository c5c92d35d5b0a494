"""The few buildah commands the e2e suite needs: build, measure, run a command in an image.

The command lines are the ones documented in tests/e2e/README.md.
"""

from __future__ import annotations

import json
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

BUILD_FLAGS = ("--isolation", "chroot", "--pull=never", "--layers")


class BuildError(RuntimeError):
    """`buildah bud` failed; the message holds the Dockerfile and the end of the log."""


@dataclass(frozen=True)
class Layer:
    created_by: str
    size: int  # bytes of the uncompressed layer tar, as stored


def build(context: Path, tag: str, dockerfile: str = "Dockerfile") -> float:
    """Build `context/dockerfile` as `tag`; return the wall time in seconds."""
    started = time.monotonic()
    proc = subprocess.run(
        [
            "buildah",
            "bud",
            *BUILD_FLAGS,
            "-f",
            str(context / dockerfile),
            "-t",
            tag,
            str(context),
        ],
        check=False,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        log = (proc.stdout + proc.stderr)[-4000:]
        raise BuildError(
            f"{context / dockerfile}: buildah bud exited {proc.returncode}\n{log}"
        )
    return time.monotonic() - started


def layers(image: str) -> tuple[Layer, ...]:
    """The image's layers, oldest first, each with the history line that made it."""
    proc = subprocess.run(
        ["buildah", "inspect", "--type", "image", image],
        capture_output=True,
        text=True,
        check=True,
    )
    info = json.loads(proc.stdout)
    sizes = [layer["size"] for layer in json.loads(info["Manifest"])["layers"]]
    steps = [
        entry.get("created_by", "")
        for entry in info["OCIv1"].get("history", [])
        if not entry.get("empty_layer")
    ]
    if len(steps) != len(sizes):
        steps = [""] * len(sizes)
    return tuple(Layer(step, size) for step, size in zip(steps, sizes))


def image_size(image: str) -> int:
    """Total bytes of the image's layers, uncompressed."""
    return sum(layer.size for layer in layers(image))


def run_in_image(image: str, command: str) -> subprocess.CompletedProcess[str]:
    """Run `sh -c command` in a throwaway container of `image`, as its config says."""
    container = subprocess.run(
        ["buildah", "from", "--pull=never", image],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    try:
        return subprocess.run(
            [
                "buildah",
                "run",
                "--isolation",
                "chroot",
                container,
                "--",
                "sh",
                "-c",
                command,
            ],
            check=False,
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        subprocess.run(["buildah", "rm", container], check=False, capture_output=True)
