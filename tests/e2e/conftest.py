"""Session set-up for the e2e build suite: stand-in base images, or a skip that says why."""

from __future__ import annotations

import os
import shutil

import pytest

from .bases import BaseImageError, MissingToolError, ensure_bases


@pytest.fixture(scope="session")
def stand_in_bases() -> list[str]:
    """Names of the local stand-ins for python:3.11-slim, node:20-slim and the rest."""
    if shutil.which("buildah") is None:
        pytest.skip("e2e builds need buildah: apt-get install -y buildah debootstrap")
    if os.geteuid() != 0:
        pytest.skip("e2e builds need root (buildah with chroot isolation, debootstrap)")
    try:
        return ensure_bases()
    except MissingToolError as error:
        pytest.skip(str(error))
    except BaseImageError as error:
        pytest.fail(f"could not make the stand-in base images: {error}", pytrace=False)
