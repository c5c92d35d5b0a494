"""SF101, SF102 and SF103 together: they never fight, reach a fixed point, and never crash."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from slimfix.engine import Settings, check_text, fix_text, one_pass
from slimfix.errors import SlimfixError

CODES = frozenset({"SF101", "SF102", "SF103"})

HAIRY = (
    # everything in one RUN, trailing && with an inner comment
    ("FROM debian:bookworm\nRUN apt-get update && \\\n    # tools\n    apt-get install python3-pip nodejs npm && \\\n"
    "    pip install flask && \\\n    npm ci && yarn\n"),
    # leading &&, official set -eux, ONBUILD, CRLF
    ("FROM debian\r\nRUN set -eux; \\\r\n\tapt-get update; \\\r\n\tapt-get install curl; \\\r\n\tpip3 install x\r\n"
    "ONBUILD RUN apk update && apk add git \\\r\n  && npm install\r\n"),
    # several stages, one built from another, a stale update, a later install relying on the lists
    ("FROM python:3.12 AS base\nRUN apt-get update\nRUN apt-get install gcc && pip install -r r.txt\n"
    "FROM base AS builder\nRUN apt-get install make\nRUN uv pip install x && composer install\n"
    "FROM python:3.12-slim\nCOPY --from=builder /x /x\nRUN dnf install y && gem install z && zypper in q\n"),
    # here-documents, sh -c, comments, suppressions
    ("# syntax=docker/dockerfile:1\nFROM debian\nRUN <<EOF\napt-get update\napt-get install c\npip install d\nEOF\n"
    "RUN sh -c 'pip install x' && pip install y # c\n# slimfix: ignore=SF102\nRUN pip install z && npm ci\n"
    "# hadolint ignore=DL3009\nRUN apt-get update && apt-get install e\nRUN pip install w\n"),
    # backtick escape, BOM, lower-case keywords, a non-root user
    ("\ufeff# escape=`\nfrom node:20 as build\nrun apt-get update && `\n    apt-get install -y g++ && `\n    npm ci\n"
    "user node\nrun npm ci && pip install x\n"),
)
POLICIES = (
    {"cache": "clean"},
    {"cache": "mounts"},
    {"cache": "clean", "cache_stages": (("builder", "mounts"), ("build", "mounts"))},
    {"cache": "mounts", "cache_stages": (("base", "clean"),)},
)


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: ",".join(f"{k}={v}" for k, v in p.items()))
@pytest.mark.parametrize("unsafe", (False, True))
@pytest.mark.parametrize("src", HAIRY, ids=range(len(HAIRY)))
def test_fixed_point(src: str, unsafe: bool, policy: dict) -> None:
    settings = Settings(select=CODES, unsafe_fixes=unsafe, **policy)
    out = fix_text(src, settings).output
    if unsafe or policy["cache"] == "clean":
        assert out != src  # every input has something to fix at this level
    again, fixed, _ = one_pass(out, settings)
    assert again == out and fixed == []
    # nothing left that a fix at this safety level would still change
    assert [d for d in check_text(out, settings) if d.fix is not None and d.fix.applies(unsafe)] == []


@pytest.mark.parametrize("src", HAIRY, ids=range(len(HAIRY)))
def test_any_selection_reaches_the_same_kind_of_fixed_point(src: str) -> None:
    for select in ({"SF101"}, {"SF102"}, {"SF103"}, {"SF101", "SF102"}, {"SF102", "SF103"}, {"SF101", "SF103"}):
        settings = Settings(select=frozenset(select), unsafe_fixes=True, cache="mounts")
        out = fix_text(src, settings).output
        assert one_pass(out, settings)[0] == out
        # running the rest afterwards still converges and keeps what the first run added
        rest = Settings(select=CODES, unsafe_fixes=True, cache="mounts")
        final = fix_text(out, rest).output
        assert one_pass(final, rest)[0] == final


def _strategies():
    try:
        from strategies import dockerfiles
    except ImportError:  # tests/strategies.py is written by another helper
        return None
    return dockerfiles


_dockerfiles = _strategies()
_PACKAGE_LINES = st.sampled_from([
    "RUN apt-get update && apt-get install curl",
    "RUN pip install x && npm ci",
    "RUN apk add git",
    "onbuild run apt-get update && apt-get install -y x",
    "RUN set -eux; \\\n\tapt-get update; \\\n\tpip install y",
    "RUN dnf install z \\\n && yarn",
])


@pytest.mark.skipif(_dockerfiles is None, reason="tests/strategies.py has no dockerfiles() yet")
@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=_dockerfiles() if _dockerfiles else st.nothing(),
    extra=st.lists(_PACKAGE_LINES, max_size=3),
    cache=st.sampled_from(["clean", "mounts"]),
    unsafe=st.booleans(),
)
def test_never_crashes_and_is_idempotent(text: str, extra: list[str], cache: str, unsafe: bool) -> None:
    if extra and not text.endswith(("\\", "`")):
        nl = "\r\n" if "\r\n" in text else "\n"
        text = text + ("" if text.endswith("\n") or not text else nl) + nl.join(extra) + nl
    settings = Settings(select=CODES, unsafe_fixes=unsafe, cache=cache)
    try:
        out = fix_text(text, settings).output
    except SlimfixError:
        return
    assert fix_text(out, settings).output == out
