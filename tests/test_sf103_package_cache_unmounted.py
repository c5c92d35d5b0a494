"""SF103 package-cache-unmounted: BuildKit cache mounts where the stage's policy is mounts."""

from __future__ import annotations

import pytest

from slimfix.engine import Safety, Settings, check_text, fix_text
from slimfix.packagers import KEEP_CACHE

CODE = "SF103"
SYNTAX = "# syntax=docker/dockerfile:1\n"
PIP = "--mount=type=cache,target=/root/.cache/pip"
APT = "--mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt/lists,sharing=locked"


def fix(src: str, unsafe: bool = True, cache: str = "mounts", **kw) -> str:
    return fix_text(src, Settings(select=frozenset({CODE}), unsafe_fixes=unsafe, cache=cache, **kw)).output


def diags(src: str, cache: str = "mounts", **kw):
    return [d for d in check_text(src, Settings(select=frozenset({CODE}), cache=cache, **kw)) if d.code == CODE]


@pytest.mark.parametrize(
    "src",
    (
        # the author turned the cache off: reported, not undone
        SYNTAX + "FROM p\nRUN pip install --no-cache-dir x\n",
        SYNTAX + "FROM p\nENV PIP_NO_CACHE_DIR=1\nRUN pip install x\n",
        SYNTAX + "FROM n\nRUN npm ci && npm cache clean --force\n",
        SYNTAX + "FROM a\nRUN apk add --no-cache x\n",
        SYNTAX + "FROM d\nRUN apt-get update && apt-get install -y x && rm -rf /var/lib/apt/lists/*\n",
        SYNTAX + "FROM f\nRUN dnf install -y x && dnf clean all\n",
        # already mounted
        SYNTAX + "FROM p\nRUN --mount=type=cache,target=/root/.cache/pip pip install x\n",
        # a user whose home slimfix does not know
        SYNTAX + "FROM n\nUSER node\nRUN npm ci\n",
        # tools without a known cache folder
        SYNTAX + "FROM c\nRUN composer install && gem install x && zypper in y && microdnf install z\n",
        # not commands; a here-document; a shell comment
        SYNTAX + "FROM p\nRUN echo pip install x && sh -c 'pip install x'\n",
        SYNTAX + "FROM p\nRUN <<EOF\npip install x\nEOF\n",
        SYNTAX + "FROM p\nRUN pip install x # why\n",
        # suppressed (then the file has no mount and needs no # syntax either)
        "FROM p\n# slimfix: ignore=SF103\nRUN pip install x\n",
    ),
)
def test_noop(src: str) -> None:
    assert fix(src) == src


@pytest.mark.parametrize(
    "src",
    (
        "FROM p\nRUN pip install x\n",
        "FROM d\nRUN apt-get update && apt-get install -y x\n",
        "FROM p\nRUN --mount=type=cache,target=/root/.cache/pip pip install x\n",  # no # syntax added
    ),
)
def test_silent_under_the_clean_policy(src: str) -> None:
    assert fix(src, cache="clean") == src
    assert diags(src, cache="clean") == []


@pytest.mark.parametrize(
    ("src", "expected"),
    (
        ("FROM p\nRUN pip install x\n", f"{SYNTAX}FROM p\nRUN {PIP} pip install x\n"),
        ("FROM p\nRUN uv pip install x\n", f"{SYNTAX}FROM p\nRUN --mount=type=cache,target=/root/.cache/uv uv pip install x\n"),
        ("FROM n\nRUN yarn\n", f"{SYNTAX}FROM n\nRUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn\n"),
        (  # one mount for two pip installs, and one for npm, in a single RUN
            "FROM p\nRUN pip install a && npm ci && pip3 install b\n",
            f"{SYNTAX}FROM p\nRUN {PIP} --mount=type=cache,target=/root/.npm pip install a && npm ci && pip3 install b\n",
        ),
        (  # existing flags stay first; an unrelated mount stays
            "FROM p\nRUN --network=none --mount=type=bind,source=r.txt,target=/r.txt pip install -r /r.txt\n",
            f"{SYNTAX}FROM p\nRUN --network=none --mount=type=bind,source=r.txt,target=/r.txt {PIP} pip install -r /r.txt\n",
        ),
        (
            "FROM d\nRUN apt-get update && apt-get install -y x\n",
            f"{SYNTAX}FROM d\nRUN {KEEP_CACHE}\nRUN {APT} apt-get update && apt-get install -y x\n",
        ),
        (  # the hook is disabled once per stage
            "FROM d\nRUN apt-get update && apt-get install -y x\nRUN apt-get update && apt-get install -y y\n",
            (f"{SYNTAX}FROM d\nRUN {KEEP_CACHE}\nRUN {APT} apt-get update && apt-get install -y x\n"
            f"RUN {APT} apt-get update && apt-get install -y y\n"),
        ),
        (  # keyword case and indentation of the RUN are kept for the inserted one
            "FROM d\n  run apt-get update && apt-get install -y x\n",
            f"{SYNTAX}FROM d\n  run {KEEP_CACHE}\n  run {APT} apt-get update && apt-get install -y x\n",
        ),
        (
            "FROM d\nonbuild run apt-get update && apt-get install -y x\n",
            f"{SYNTAX}FROM d\nonbuild run {KEEP_CACHE}\nonbuild run {APT} apt-get update && apt-get install -y x\n",
        ),
        (  # the BOM stays first, the other directives stay directives
            "\ufeff# escape=`\nFROM p\nRUN pip install x\n",
            f"\ufeff{SYNTAX}# escape=`\nFROM p\nRUN {PIP} pip install x\n",
        ),
        ("# syntax=docker/dockerfile:1.7\nFROM p\nRUN pip install x\n", f"# syntax=docker/dockerfile:1.7\nFROM p\nRUN {PIP} pip install x\n"),
        ("FROM p\r\nRUN pip install x\r\n", f"{SYNTAX[:-1]}\r\nFROM p\r\nRUN {PIP} pip install x\r\n"),
    ),
)
def test_fix(src: str, expected: str) -> None:
    assert fix(src) == expected
    assert fix(expected) == expected


def test_apt_lists_stay_in_the_image_when_a_later_run_reads_them() -> None:
    src = "FROM d\nRUN apt-get update && apt-get install -y x\nRUN apt-get install -y y\n"
    out = fix(src)
    assert "target=/var/lib/apt/lists" not in out
    assert out.count("--mount=type=cache,target=/var/cache/apt,sharing=locked") == 2


def test_everything_is_unsafe() -> None:
    src = "FROM d\nRUN apt-get update && apt-get install -y x && pip install y\n"
    assert fix(src, unsafe=False) == src
    found = diags(src)
    assert found and all(d.fix is not None and d.fix.safety is Safety.UNSAFE for d in found)
    (d,) = found
    assert "apt and pip download into this layer" in d.message and "docker-clean" in d.message
    assert src[d.start : d.end] == "apt-get install -y x"


def test_per_stage_policy() -> None:
    src = "FROM p AS builder\nRUN pip install x\nFROM p\nRUN pip install y\n"
    out = fix(src, cache="clean", cache_stages=(("builder", "mounts"),))
    assert out == f"{SYNTAX}FROM p AS builder\nRUN {PIP} pip install x\nFROM p\nRUN pip install y\n"
    out = fix(src, cache="mounts", cache_stages=(("builder", "clean"),))
    assert out == f"{SYNTAX}FROM p AS builder\nRUN pip install x\nFROM p\nRUN {PIP} pip install y\n"


def test_reports_say_why_nothing_changes() -> None:
    (d,) = diags(SYNTAX + "FROM p\nRUN pip install --no-cache-dir x\n")
    assert d.fix is None and "--no-cache-dir" in d.message and "remove it" in d.message
    (d,) = diags(SYNTAX + "FROM n\nUSER node\nRUN npm ci\n")
    assert d.fix is None and "non-root" in d.message
