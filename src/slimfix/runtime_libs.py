"""Build packages and the runtime packages an image still needs once they are gone.

A ``-dev`` package (``libpq-dev``) holds the headers a compiler reads; the shared library
it pulls in (``libpq5``) is what the built extension loads at run time.  A builder/app
split (SF301) drops the first from the final image and must install the second.  The
table is per package manager and, where a name changed between releases (``libssl1.1`` ->
``libssl3`` -> ``libssl3t64``), per release: a name we cannot pin down is ``UNKNOWN``,
never a guess.  Names were checked with ``apt-cache depends`` on bookworm; the other
releases follow Debian's package pages.
"""

from __future__ import annotations

import enum
import re

from slimfix.cst.record import Frozen
from slimfix.cst.record import init_field as _set

DEBIAN_RELEASES = ("buster", "bullseye", "bookworm", "trixie")
_DEBIAN_NUMBERS = {"10": "buster", "11": "bullseye", "12": "bookworm", "13": "trixie"}
# Official images built on Debian when the tag names no other distribution.
_DEBIAN_IMAGES = frozenset({"python", "node", "golang", "debian", "ruby", "php", "perl", "rust", "buildpack-deps"})

_ALL = "*"
# apt: -dev package -> runtime package, for every release ("*") or per release.
APT_LIBRARIES: dict[str, dict[str, str]] = {
    "libpq-dev": {_ALL: "libpq5"},
    "libjpeg-dev": {_ALL: "libjpeg62-turbo"},
    "libjpeg62-turbo-dev": {_ALL: "libjpeg62-turbo"},
    "zlib1g-dev": {_ALL: "zlib1g"},
    "libssl-dev": {"buster": "libssl1.1", "bullseye": "libssl1.1", "bookworm": "libssl3", "trixie": "libssl3t64"},
    "libffi-dev": {"buster": "libffi6", "bullseye": "libffi7", "bookworm": "libffi8", "trixie": "libffi8"},
    "libxml2-dev": {"buster": "libxml2", "bullseye": "libxml2", "bookworm": "libxml2"},
    "libxslt1-dev": {_ALL: "libxslt1.1"},
    "libpng-dev": {"buster": "libpng16-16", "bullseye": "libpng16-16", "bookworm": "libpng16-16", "trixie": "libpng16-16t64"},
    "libmariadb-dev": {_ALL: "libmariadb3"},
    "libmariadb-dev-compat": {_ALL: "libmariadb3"},
    "default-libmysqlclient-dev": {_ALL: "libmariadb3"},
    "libsqlite3-dev": {_ALL: "libsqlite3-0"},
    "libyaml-dev": {_ALL: "libyaml-0-2"},
    "libgeos-dev": {"buster": "libgeos-c1v5", "bullseye": "libgeos-c1v5", "bookworm": "libgeos-c1v5", "trixie": "libgeos-c1t64"},
    "libcurl4-openssl-dev": {"buster": "libcurl4", "bullseye": "libcurl4", "bookworm": "libcurl4", "trixie": "libcurl4t64"},
    "libfreetype-dev": {_ALL: "libfreetype6"},
    "libfreetype6-dev": {_ALL: "libfreetype6"},
    "libwebp-dev": {"buster": "libwebp6", "bullseye": "libwebp6", "bookworm": "libwebp7", "trixie": "libwebp7"},
    "libtiff-dev": {"buster": "libtiff5", "bullseye": "libtiff5", "bookworm": "libtiff6", "trixie": "libtiff6"},
    "liblcms2-dev": {_ALL: "liblcms2-2"},
    "libopenjp2-7-dev": {_ALL: "libopenjp2-7"},
    "libzstd-dev": {_ALL: "libzstd1"},
    "liblzma-dev": {_ALL: "liblzma5"},
    "libbz2-dev": {_ALL: "libbz2-1.0"},
    "libreadline-dev": {"buster": "libreadline7", "bullseye": "libreadline8", "bookworm": "libreadline8", "trixie": "libreadline8t64"},
    "libsasl2-dev": {"buster": "libsasl2-2", "bullseye": "libsasl2-2", "bookworm": "libsasl2-2"},
    "libgmp-dev": {_ALL: "libgmp10"},
    "libsnappy-dev": {_ALL: "libsnappy1v5"},
    "libsodium-dev": {_ALL: "libsodium23"},
    "libblas-dev": {_ALL: "libblas3"},
    "liblapack-dev": {_ALL: "liblapack3"},
}
APT_BUILD_ONLY = frozenset(
    ["gcc", "g++", "cpp", "make", "cmake", "build-essential", "git", "pkg-config", "pkgconf", "python3-dev", "python-dev", "libpython3-dev", "rustc", "cargo", "autoconf", "automake", "libtool", "libtool-bin", "clang", "gfortran", "swig", "ninja-build", "meson", "libc6-dev", "libc-dev", "linux-libc-dev", "binutils", "bison", "flex", "m4", "dpkg-dev"]
)
# Versioned compilers and Python headers; compiled on first use (``re`` keeps it), and only
# asked about names with one of the prefixes it requires.
_APT_BUILD_ONLY_PATTERN = r"^(gcc|g\+\+|cpp|clang|gfortran)-[0-9.]+$|^python3\.[0-9]+-dev$"
_APT_BUILD_ONLY_PREFIXES = ("gcc-", "g++-", "cpp-", "clang-", "gfortran-", "python3.")

# apk: -dev package -> runtime package, for every Alpine release or from a minimum release on.
APK_LIBRARIES: dict[str, dict[str, str]] = {
    "postgresql-dev": {"3.15": "libpq"},
    "libpq-dev": {"3.15": "libpq"},
    "jpeg-dev": {_ALL: "libjpeg-turbo"},
    "libjpeg-turbo-dev": {_ALL: "libjpeg-turbo"},
    "zlib-dev": {_ALL: "zlib"},
    "libffi-dev": {_ALL: "libffi"},
    "openssl-dev": {"3.0": "libssl1.1", "3.17": "libssl3"},
    "libxml2-dev": {_ALL: "libxml2"},
    "libxslt-dev": {_ALL: "libxslt"},
    "libpng-dev": {_ALL: "libpng"},
    "sqlite-dev": {_ALL: "sqlite-libs"},
    "yaml-dev": {_ALL: "yaml"},
    "mariadb-dev": {_ALL: "mariadb-connector-c"},
    "mariadb-connector-c-dev": {_ALL: "mariadb-connector-c"},
    "geos-dev": {_ALL: "geos"},
    "freetype-dev": {_ALL: "freetype"},
    "libwebp-dev": {_ALL: "libwebp"},
    "tiff-dev": {_ALL: "tiff"},
    "lcms2-dev": {_ALL: "lcms2"},
    "openjpeg-dev": {_ALL: "openjpeg"},
    "zstd-dev": {_ALL: "zstd-libs"},
    "xz-dev": {_ALL: "xz-libs"},
    "bzip2-dev": {_ALL: "libbz2"},
    "gmp-dev": {_ALL: "gmp"},
    "libsodium-dev": {_ALL: "libsodium"},
}
APK_BUILD_ONLY = frozenset(
    ["build-base", "gcc", "g++", "musl-dev", "libc-dev", "make", "cmake", "git", "pkgconf", "pkgconfig", "python3-dev", "linux-headers", "rust", "cargo", "autoconf", "automake", "libtool", "clang", "gfortran", "binutils", "bison", "flex", "ninja", "samurai", "meson", "swig"]
)


class Role(enum.Enum):
    BUILD_ONLY = "build-only"  # a compiler or header package with nothing needed at run time
    LIBRARY = "library"  # a -dev package whose shared library the app still loads
    RUNTIME = "runtime"  # not a build package: the app keeps it as it is
    UNKNOWN = "unknown"  # a build package whose runtime part is not known here


# Records written by hand like ``engine.Edit`` (a dataclass costs start-up time).


class Distro(Frozen):
    __slots__ = _fields = ("family", "release")
    family: str  # "debian", "alpine" or "unknown"
    release: str | None  # "bookworm", "3.19", or None when the image does not say

    def __init__(self, family: str, release: str | None) -> None:
        _set(self, "family", family)
        _set(self, "release", release)


class Package(Frozen):
    __slots__ = _fields = ("word", "name", "role", "runtime", "reason")
    word: str  # as written, with any version pin
    name: str  # without the pin
    role: Role
    runtime: tuple[str, ...]  # what the app installs instead (LIBRARY) or keeps (RUNTIME)
    reason: str  # why UNKNOWN

    def __init__(self, word: str, name: str, role: Role, runtime: tuple[str, ...] = (), reason: str = "") -> None:
        _set(self, "word", word)
        _set(self, "name", name)
        _set(self, "role", role)
        _set(self, "runtime", runtime)
        _set(self, "reason", reason)


def distro_of(image: str) -> Distro:
    """The distribution and release an image reference names, as far as its name tells."""
    ref = image.rsplit("@", 1)[0]
    repo, _, tag = ref.rpartition(":") if ":" in ref.rsplit("/", 1)[-1] else (ref, "", "")
    name = repo.rsplit("/", 1)[-1].lower()
    tokens = re.split(r"[-_]", tag.lower()) if tag else []
    if name == "alpine":
        return Distro("alpine", _alpine_version(tag))
    for token in tokens:
        if token.startswith("alpine"):
            return Distro("alpine", _alpine_version(token[len("alpine") :]))
    for token in tokens:
        if token in DEBIAN_RELEASES:
            return Distro("debian", token)
    if name == "debian":
        number = tokens[0].split(".")[0] if tokens else ""
        return Distro("debian", _DEBIAN_NUMBERS.get(number))
    if name in _DEBIAN_IMAGES:
        return Distro("debian", None)
    return Distro("unknown", None)


def _alpine_version(text: str) -> str | None:
    m = re.match(r"^(3\.\d+)", text)
    return m.group(1) if m else None


def classify(word: str, manager: str, distro: Distro) -> Package:
    """What the package ``word`` of ``apt-get install``/``apk add`` is to a builder/app split."""
    name = _unpinned(word, manager)
    if manager == "apk":
        build_only, libraries, dev = name in APK_BUILD_ONLY, APK_LIBRARIES, name.endswith("-dev")
    else:
        build_only = name in APT_BUILD_ONLY or (
            name.startswith(_APT_BUILD_ONLY_PREFIXES) and re.match(_APT_BUILD_ONLY_PATTERN, name) is not None
        )
        libraries, dev = APT_LIBRARIES, name.endswith("-dev")
    if build_only:
        return Package(word, name, Role.BUILD_ONLY)
    if name in libraries:
        runtime = _pick(libraries[name], manager, distro)
        if runtime is None:
            return Package(word, name, Role.UNKNOWN, reason=_unknown_release(name, distro))
        return Package(word, name, Role.LIBRARY, (runtime,))
    if dev:
        return Package(word, name, Role.UNKNOWN, reason=f"the runtime package of {name} is not in slimfix's table")
    return Package(word, name, Role.RUNTIME, (word,))


def _unknown_release(name: str, distro: Distro) -> str:
    if distro.family == "unknown":
        return f"the base image's distribution is unknown, so the runtime package of {name} is too"
    if distro.release is None:
        return f"the runtime package of {name} depends on the {distro.family} release, which the image tag does not name"
    return f"the runtime package of {name} on {distro.family} {distro.release} is not in slimfix's table"


def _unpinned(word: str, manager: str) -> str:
    if manager == "apk":
        return re.split(r"[=<>~]", word, maxsplit=1)[0]
    return word.split("=", 1)[0].split(":", 1)[0]


def _pick(by_release: dict[str, str], manager: str, distro: Distro) -> str | None:
    if distro.family != ("alpine" if manager == "apk" else "debian"):
        return None  # Ubuntu and unnamed bases use other names (libjpeg-turbo8)
    if _ALL in by_release:
        return by_release[_ALL]
    if distro.release is None:
        return None
    if manager == "apk":
        found = [(_version(v), name) for v, name in by_release.items() if _version(v) <= _version(distro.release)]
        return max(found)[1] if found else None
    return by_release.get(distro.release)


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split("."))
