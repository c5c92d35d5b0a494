"""The build package -> runtime package table used by SF301."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from slimfix.runtime_libs import (
    APK_BUILD_ONLY,
    APK_LIBRARIES,
    APT_BUILD_ONLY,
    APT_LIBRARIES,
    DEBIAN_RELEASES,
    Distro,
    Role,
    classify,
    distro_of,
)

BOOKWORM = Distro("debian", "bookworm")
ALPINE = Distro("alpine", "3.19")


@pytest.mark.parametrize(
    ("dev", "runtime"),
    [
        ("libpq-dev", "libpq5"),
        ("libjpeg-dev", "libjpeg62-turbo"),
        ("libjpeg62-turbo-dev", "libjpeg62-turbo"),
        ("zlib1g-dev", "zlib1g"),
        ("libssl-dev", "libssl3"),
        ("libffi-dev", "libffi8"),
        ("libxml2-dev", "libxml2"),
        ("libxslt1-dev", "libxslt1.1"),
        ("libpng-dev", "libpng16-16"),
        ("libmariadb-dev", "libmariadb3"),
        ("default-libmysqlclient-dev", "libmariadb3"),
        ("libsqlite3-dev", "libsqlite3-0"),
        ("libyaml-dev", "libyaml-0-2"),
        ("libgeos-dev", "libgeos-c1v5"),
    ],
)
def test_apt_library_on_bookworm(dev: str, runtime: str) -> None:
    pkg = classify(dev, "apt", BOOKWORM)
    assert pkg.role is Role.LIBRARY
    assert pkg.runtime == (runtime,)


@pytest.mark.parametrize(
    ("dev", "release", "runtime"),
    [
        ("libssl-dev", "bullseye", "libssl1.1"),
        ("libssl-dev", "trixie", "libssl3t64"),
        ("libffi-dev", "buster", "libffi6"),
        ("libffi-dev", "bullseye", "libffi7"),
        ("libpng-dev", "trixie", "libpng16-16t64"),
        ("libpq-dev", "buster", "libpq5"),
    ],
)
def test_apt_library_per_release(dev: str, release: str, runtime: str) -> None:
    assert classify(dev, "apt", Distro("debian", release)).runtime == (runtime,)


@pytest.mark.parametrize(
    "name",
    ["gcc", "g++", "make", "cmake", "build-essential", "git", "pkg-config", "python3-dev", "rustc", "cargo", "autoconf", "automake", "libtool", "gcc-12", "python3.11-dev"],
)
def test_apt_build_only(name: str) -> None:
    pkg = classify(name, "apt", BOOKWORM)
    assert pkg.role is Role.BUILD_ONLY
    assert pkg.runtime == ()


@pytest.mark.parametrize(
    ("dev", "runtime"),
    [
        ("postgresql-dev", "libpq"),
        ("jpeg-dev", "libjpeg-turbo"),
        ("zlib-dev", "zlib"),
        ("libffi-dev", "libffi"),
        ("openssl-dev", "libssl3"),
    ],
)
def test_apk_library(dev: str, runtime: str) -> None:
    pkg = classify(dev, "apk", ALPINE)
    assert (pkg.role, pkg.runtime) == (Role.LIBRARY, (runtime,))


@pytest.mark.parametrize("name", ["musl-dev", "gcc", "build-base", "linux-headers", "cargo"])
def test_apk_build_only(name: str) -> None:
    assert classify(name, "apk", ALPINE).role is Role.BUILD_ONLY


def test_openssl_on_old_alpine() -> None:
    assert classify("openssl-dev", "apk", Distro("alpine", "3.16")).runtime == ("libssl1.1",)


def test_unknown_dev_package_is_declined() -> None:
    pkg = classify("libgdal-dev", "apt", BOOKWORM)
    assert pkg.role is Role.UNKNOWN
    assert "libgdal-dev" in pkg.reason


@pytest.mark.parametrize(
    ("dev", "distro", "words"),
    [
        ("libssl-dev", Distro("debian", None), "does not name"),
        ("libffi-dev", Distro("unknown", None), "distribution is unknown"),
        ("libpq-dev", Distro("unknown", None), "distribution is unknown"),  # Ubuntu names differ
        ("openssl-dev", Distro("alpine", None), "does not name"),
        ("libssl-dev", Distro("debian", "sid"), "not in slimfix's table"),
    ],
)
def test_release_dependent_name_without_release(dev: str, distro: Distro, words: str) -> None:
    manager = "apk" if distro.family == "alpine" else "apt"
    pkg = classify(dev, manager, distro)
    assert pkg.role is Role.UNKNOWN
    assert words in pkg.reason


def test_release_independent_name_needs_no_release() -> None:
    assert classify("libpq-dev", "apt", Distro("debian", None)).runtime == ("libpq5",)


def test_runtime_package_is_kept_as_written() -> None:
    pkg = classify("curl=7.88.1-10+deb12u5", "apt", BOOKWORM)
    assert (pkg.role, pkg.name, pkg.runtime) == (Role.RUNTIME, "curl", ("curl=7.88.1-10+deb12u5",))


def test_pins_and_architectures_are_read() -> None:
    assert classify("libpq-dev=15.5-0+deb12u1", "apt", BOOKWORM).runtime == ("libpq5",)
    assert classify("libpq-dev:amd64", "apt", BOOKWORM).runtime == ("libpq5",)
    assert classify("gcc=12.2.0", "apk", ALPINE).role is Role.BUILD_ONLY


@pytest.mark.parametrize(
    ("image", "family", "release"),
    [
        ("python:3.8.0-slim", "debian", None),
        ("python:3.12-slim-bookworm", "debian", "bookworm"),
        ("node:20-bullseye-slim", "debian", "bullseye"),
        ("debian:12-slim", "debian", "bookworm"),
        ("debian:bookworm", "debian", "bookworm"),
        ("golang:1.22", "debian", None),
        ("python:3.12-alpine3.19", "alpine", "3.19"),
        ("python:3.8.0-alpine", "alpine", None),
        ("alpine:3.18", "alpine", "3.18"),
        ("registry.example.com:5000/python:3.12-slim-trixie", "debian", "trixie"),
        ("ubuntu:22.04", "unknown", None),
        ("python@sha256:0123abcd", "debian", None),
    ],
)
def test_distro_of(image: str, family: str, release: str | None) -> None:
    assert distro_of(image) == Distro(family, release)


def test_tables_are_well_formed() -> None:
    for table, releases in ((APT_LIBRARIES, set(DEBIAN_RELEASES)), (APK_LIBRARIES, None)):
        for dev, by_release in table.items():
            assert "-dev" in dev, dev
            assert by_release, dev
            for release, runtime in by_release.items():
                assert runtime and not runtime.endswith("-dev"), (dev, runtime)
                if releases is not None:
                    assert release == "*" or release in releases, (dev, release)
    assert not (APT_BUILD_ONLY & set(APT_LIBRARIES))
    assert not (APK_BUILD_ONLY & set(APK_LIBRARIES))


@given(
    st.sampled_from(sorted(APT_LIBRARIES) + sorted(APT_BUILD_ONLY) + ["curl", "libgdal-dev"]),
    st.sampled_from([*DEBIAN_RELEASES, None]),
)
def test_classify_is_consistent(name: str, release: str | None) -> None:
    pkg = classify(name, "apt", Distro("debian", release))
    if pkg.role is Role.LIBRARY:
        assert len(pkg.runtime) == 1 and pkg.runtime[0] != name
    elif pkg.role is Role.UNKNOWN:
        assert pkg.reason and pkg.runtime == ()
    elif pkg.role is Role.BUILD_ONLY:
        assert pkg.runtime == ()
    else:
        assert pkg.runtime == (name,)


def _host_is_bookworm() -> bool:
    os_release = Path("/etc/os-release")
    return (
        shutil.which("apt-cache") is not None
        and os_release.exists()
        and "VERSION_CODENAME=bookworm" in os_release.read_text()
    )


@pytest.fixture(scope="module")
def apt_depends() -> dict[str, set[str]]:
    """``Depends`` of every -dev package in the table and of the -dev packages they name."""
    graph: dict[str, set[str]] = {}
    todo = set(APT_LIBRARIES)
    for _ in range(4):  # default-libmysqlclient-dev -> libmariadb-dev-compat -> libmariadb-dev
        todo -= set(graph)
        if not todo:
            break
        out = subprocess.run(["apt-cache", "depends", *sorted(todo)], check=False, capture_output=True, text=True).stdout
        current = None
        for line in out.splitlines():
            if not line.startswith(" "):
                current = line.strip()
                graph.setdefault(current, set())
                continue
            kind, _, name = line.strip().partition(": ")
            if current is not None and kind.lstrip("|") == "Depends":
                graph[current].add(name.strip("<>"))
        todo = {n for deps in graph.values() for n in deps if n.endswith("-dev") and n.startswith("lib")}
    return graph


@pytest.mark.skipif(not _host_is_bookworm(), reason="needs a Debian bookworm host with apt-cache")
@pytest.mark.parametrize("dev", sorted(d for d, r in APT_LIBRARIES.items() if "bookworm" in r or "*" in r))
def test_bookworm_names_match_apt(dev: str, apt_depends: dict[str, set[str]]) -> None:
    """The -dev package depends (directly or through other lib*-dev packages) on the runtime we name."""
    if dev not in apt_depends:
        pytest.skip(f"apt-cache does not know {dev} (no package lists?)")
    runtime = classify(dev, "apt", BOOKWORM).runtime[0]
    reached: set[str] = set()
    todo = [dev]
    while todo:
        for name in apt_depends.get(todo.pop(), ()):
            if name not in reached:
                reached.add(name)
                todo.append(name)
    assert runtime in reached, (dev, runtime, sorted(reached))
