"""Facts about official base images that slimfix relies on (checked against their Dockerfiles)."""

from __future__ import annotations

# WORKDIR of official images (Linux variants), from their Dockerfiles; none set a USER.
KNOWN_WORKDIRS = {
    "scratch": "/",
    "python": "/",
    "node": "/",
    "ruby": "/",
    "debian": "/",
    "ubuntu": "/",
    "alpine": "/",
    "busybox": "/",
    "buildpack-deps": "/",
    "golang": "/go",
}
WINDOWS_TAG_HINTS = ("windows", "nanoserver", "servercore")
_REGISTRY_PREFIXES = ("docker.io/library/", "index.docker.io/library/", "library/")
_DRIVE = r"^[A-Za-z]:"  # a Windows drive; compiled on first use


def official_image(ref: str) -> str | None:
    """The official image's name for a FROM reference (``python:3.12-slim`` -> ``python``)."""
    if "$" in ref:
        return None
    lowered = ref.lower()
    for prefix in _REGISTRY_PREFIXES:
        if lowered.startswith(prefix):
            lowered = lowered[len(prefix) :]
            break
    name, _, _digest = lowered.partition("@")
    name, _, tag = name.partition(":")
    if "/" in name or any(hint in tag for hint in WINDOWS_TAG_HINTS):
        return None
    return name if name in KNOWN_WORKDIRS else None
