"""Stand-in base images for the e2e build suite, made offline with debootstrap and buildah.

There is no Docker Hub here, so ``python:3.11-slim``, ``node:20-slim`` and friends are
rebuilt from Debian bookworm packages.  The versions are Debian's (Python 3.11, Node 18,
Go 1.19); only the names match the official images.  Each stand-in carries a recipe label,
so a re-run skips every image whose recipe is unchanged.

Run it as ``python -m tests.e2e.bases`` or ``python tests/e2e/bases.py`` (as root).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

SUITE = "bookworm"
DEFAULT_MIRROR = "http://deb.debian.org/debian"
HOST_SOURCES = Path("/etc/apt/sources.list.d/debian.sources")
HOST_CA = Path("/etc/ssl/certs/ca-certificates.crt")
IMAGE_CA = "/etc/ssl/slimfix-e2e-ca.crt"
RECIPE_LABEL = "org.slimfix.e2e.recipe"
NPM_VERSION = "10.9.9"  # the newest npm that runs on bookworm's Node 18
NPM_TARBALL = f"npm-{NPM_VERSION}.tgz"
BUILDAH = ("buildah",)
ISOLATION = ("--isolation", "chroot")

# Mimic the official images: no docs or translations, no .deb left after install.
DPKG_SLIM = """\
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/locale/*
"""
APT_CLEAN = """\
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
"""
APT_EXTRA = 'Acquire::Languages "none";\nAcquire::GzipIndexes "true";\n'
SLIM_PRUNE = ("usr/share/doc", "usr/share/man", "usr/share/info", "usr/share/locale")

CA_ENV = tuple(
    f"{name}={IMAGE_CA}"
    for name in (
        "PIP_CERT",
        "SSL_CERT_FILE",
        "REQUESTS_CA_BUNDLE",
        "NODE_EXTRA_CA_CERTS",
    )
)
BASE_ENV = (
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    *CA_ENV,
)

PYTHON_SETUP = """\
rm -f /usr/lib/python3*/EXTERNALLY-MANAGED
rm -f /usr/lib/python3*/config-*/*.a
ln -sf /usr/bin/python3 /usr/local/bin/python
ln -sf /usr/bin/pip3 /usr/local/bin/pip
"""
NPM_SETUP = f"""\
mkdir -p /usr/local/lib/node_modules/npm
tar -xzf /mnt/{NPM_TARBALL} --no-same-owner --strip-components=1 -C /usr/local/lib/node_modules/npm
ln -sf ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm
ln -sf ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx
"""


class BaseImageError(RuntimeError):
    """A stand-in base image could not be made; the message says which step failed."""


class MissingToolError(BaseImageError):
    """buildah or debootstrap is not installed, or we are not root."""


@dataclass(frozen=True)
class Recipe:
    """One stand-in image: names, parent, the apt packages of its single layer, its config.

    `setup` runs after the apt install, with the cache folder mounted at /mnt.
    """

    names: tuple[str, ...]
    parent: str | None  # None: the debootstrap rootfs itself
    packages: tuple[str, ...] = ()
    setup: str = ""
    env: tuple[str, ...] = ()
    cmd: str = ""
    workdir: str = ""


RECIPES = (
    Recipe(("debian:bookworm-slim",), None, env=BASE_ENV, cmd='["bash"]'),
    Recipe(
        ("python:3.11-slim", "python:3.8.0-slim"),
        "debian:bookworm-slim",
        ("python3", "python3-pip", "python3-venv", "python3-dev"),
        PYTHON_SETUP,
        ("LANG=C.UTF-8",),
        '["python3"]',
    ),
    Recipe(("python:3.11",), "python:3.11-slim", ("build-essential", "libpq-dev")),
    # Debian's npm package is ~400 small .debs; npm's own tarball is one download.
    Recipe(
        ("node:20-slim",),
        "debian:bookworm-slim",
        ("nodejs",),
        NPM_SETUP,
        cmd='["node"]',
    ),
    Recipe(
        ("golang:1.22",),
        "debian:bookworm-slim",
        ("golang-go", "git", "ca-certificates"),
        "mkdir -p /go/bin /go/src\n",
        (
            "GOPATH=/go",
            "PATH=/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        ),
        workdir="/go",
    ),
)


def ensure_bases(cache_dir: Path | None = None) -> list[str]:
    """Make every missing or outdated stand-in image; return all the names they carry."""
    _require("buildah")
    cache = Path(
        cache_dir or os.environ.get("SLIMFIX_E2E_CACHE") or "/var/cache/slimfix-e2e"
    )
    for sub in ("apt/archives/partial", "apt/lists/partial"):
        (cache / sub).mkdir(parents=True, exist_ok=True)
    digests: dict[str, str] = {}
    updated = False
    for recipe in RECIPES:
        digest = _digest(recipe, digests.get(recipe.parent or "", ""))
        for name in recipe.names:
            digests[name] = digest
        if _label(recipe.names[0]) == digest:
            _tag(recipe.names[0], recipe.names)
            continue
        started = time.monotonic()
        _make(recipe, digest, cache, update=not updated)
        updated = updated or recipe.parent is not None
        print(
            f"built {recipe.names[0]} in {time.monotonic() - started:.0f}s",
            file=sys.stderr,
        )
    return [name for recipe in RECIPES for name in recipe.names]


def _make(recipe: Recipe, digest: str, cache: Path, update: bool) -> None:
    """Build one recipe's image in a working container, removed again if a step fails."""
    if recipe.parent is None:
        tarball = _rootfs_tarball(cache)
    elif NPM_TARBALL in recipe.setup:
        _fetch_npm(cache / NPM_TARBALL)
    container = _run(*BUILDAH, "from", "--pull=never", recipe.parent or "scratch")
    try:
        if recipe.parent is None:
            _unpack(tarball, container)
        else:
            _install(recipe, container, cache, update)
        _commit(container, recipe, digest)
    except BaseImageError:
        subprocess.run([*BUILDAH, "rm", container], check=False, capture_output=True)
        raise


def _digest(recipe: Recipe, parent_digest: str) -> str:
    text = repr((recipe, parent_digest, DPKG_SLIM, APT_CLEAN, APT_EXTRA, _host_ca()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _host_ca() -> str:
    return HOST_CA.read_text() if HOST_CA.exists() else ""


def _require(tool: str) -> None:
    if shutil.which(tool) is None:
        raise MissingToolError(
            f"{tool} not found on PATH; the e2e stand-in images need buildah and debootstrap: "
            "run `apt-get update && apt-get install -y buildah debootstrap` as root"
        )


def _run(*argv: str) -> str:
    proc = subprocess.run(argv, check=False, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip()[-3000:]
        raise BaseImageError(
            f"command failed ({proc.returncode}): {' '.join(argv)}\n{tail}"
        )
    return proc.stdout.strip()


def _label(image: str) -> str | None:
    proc = subprocess.run(
        [
            *BUILDAH,
            "inspect",
            "--type",
            "image",
            "--format",
            f'{{{{index .OCIv1.Config.Labels "{RECIPE_LABEL}"}}}}',
            image,
        ],
        check=False,
        capture_output=True,
        text=True,
    )
    return proc.stdout.strip() if proc.returncode == 0 else None


def _tag(image: str, names: tuple[str, ...]) -> None:
    tags = [tag for name in names for tag in (name, f"docker.io/library/{name}")]
    _run(*BUILDAH, "tag", image, *tags)


def _mirror() -> str:
    if HOST_SOURCES.exists():
        for line in HOST_SOURCES.read_text().splitlines():
            if line.startswith("URIs:"):
                return line.split()[1]
    return DEFAULT_MIRROR


def _fetch_npm(tarball: Path) -> None:
    """Download npm's own package from the npm registry once, checking its integrity."""
    if tarball.exists():
        return
    with urllib.request.urlopen(
        f"https://registry.npmjs.org/npm/{NPM_VERSION}"
    ) as response:
        dist = json.load(response)["dist"]
    with urllib.request.urlopen(dist["tarball"]) as response:
        data = response.read()
    algorithm, _, expected = dist["integrity"].partition("-")
    if base64.b64encode(hashlib.new(algorithm, data).digest()).decode() != expected:
        raise BaseImageError(f"{dist['tarball']}: integrity check failed")
    partial = tarball.with_suffix(f".{os.getpid()}.partial")
    partial.write_bytes(data)
    partial.rename(tarball)


def _rootfs_tarball(cache: Path) -> Path:
    """The cleaned debootstrap minbase as a tarball, made once and kept in the cache."""
    tarball = cache / f"{SUITE}-minbase-{_digest(RECIPES[0], '')}.tar.gz"
    if tarball.exists():
        return tarball
    _require("debootstrap")
    if not HOST_CA.is_file():
        raise BaseImageError(
            f"{HOST_CA}: missing; the images need the host's CA bundle for pip/npm"
        )
    if os.geteuid() != 0:
        raise MissingToolError(
            "debootstrap must run as root to make the e2e base rootfs"
        )
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        rootfs = Path(tmp) / "rootfs"
        _run("debootstrap", "--variant=minbase", SUITE, str(rootfs), _mirror())
        _slim_rootfs(rootfs)
        partial = tarball.with_suffix(f".{os.getpid()}.partial")
        _run(
            "tar",
            "--numeric-owner",
            "--xattrs",
            "-C",
            str(rootfs),
            "-czf",
            str(partial),
            ".",
        )
        partial.rename(tarball)
    return tarball


def _slim_rootfs(rootfs: Path) -> None:
    (rootfs / "etc/dpkg/dpkg.cfg.d/docker-slim").write_text(DPKG_SLIM)
    (rootfs / "etc/apt/apt.conf.d/docker-clean").write_text(APT_CLEAN)
    (rootfs / "etc/apt/apt.conf.d/docker-extra").write_text(APT_EXTRA)
    if HOST_SOURCES.exists():
        (rootfs / "etc/apt/sources.list").unlink(missing_ok=True)
        shutil.copy(HOST_SOURCES, rootfs / "etc/apt/sources.list.d/debian.sources")
    (rootfs / IMAGE_CA.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(HOST_CA, rootfs / IMAGE_CA.lstrip("/"))
    for rel in SLIM_PRUNE:
        for path in (rootfs / rel).glob("*"):
            if rel == "usr/share/doc" and (path / "copyright").exists():
                for extra in path.iterdir():
                    if extra.name != "copyright":
                        _remove(extra)
            else:
                _remove(path)
    for rel in ("var/lib/apt/lists", "var/cache/apt/archives", "var/log"):
        for path in (rootfs / rel).rglob("*"):
            if path.is_file() or path.is_symlink():
                path.unlink()
    for path in (rootfs / "var/cache/apt").glob("*.bin"):
        path.unlink()
    (rootfs / "etc/resolv.conf").write_text("")
    (rootfs / "etc/hostname").write_text("localhost\n")


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def _unpack(tarball: Path, container: str) -> None:
    mount = _run(*BUILDAH, "mount", container)
    try:
        _run("tar", "--numeric-owner", "--xattrs", "-C", mount, "-xzf", str(tarball))
    finally:
        _run(*BUILDAH, "umount", container)


def _install(recipe: Recipe, container: str, cache: Path, update: bool) -> None:
    """Install the recipe's packages and run its setup, in one apt run and one layer."""
    apt = "apt-get -q -o Dir::Cache::archives=/mnt/apt/archives -o Dir::State::lists=/mnt/apt/lists"
    script = "set -eu\n"
    if update:
        script += f"{apt} update\n"
    script += (
        f"DEBIAN_FRONTEND=noninteractive {apt} install -y --no-install-recommends "
        f"{' '.join(recipe.packages)}\n{recipe.setup}"
    )
    _run(
        *BUILDAH,
        "run",
        *ISOLATION,
        "-v",
        f"{cache}:/mnt",
        container,
        "--",
        "sh",
        "-c",
        script,
    )


def _commit(container: str, recipe: Recipe, digest: str) -> None:
    config = ["--label", f"{RECIPE_LABEL}={digest}"]
    for pair in recipe.env:
        config += ["--env", pair]
    if recipe.cmd:
        config += ["--cmd", recipe.cmd]
    if recipe.workdir:
        config += ["--workingdir", recipe.workdir]
    _run(*BUILDAH, "config", *config, container)
    _run(*BUILDAH, "commit", "--rm", container, recipe.names[0])
    _tag(recipe.names[0], recipe.names)


if __name__ == "__main__":
    started = time.monotonic()
    try:
        names = ensure_bases()
    except BaseImageError as error:
        sys.exit(f"slimfix e2e bases: {error}")
    print(f"ready in {time.monotonic() - started:.0f}s: {', '.join(names)}")
