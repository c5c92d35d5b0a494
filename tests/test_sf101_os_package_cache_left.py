"""SF101 os-package-cache-left: apt/apk/dnf/yum/microdnf/zypper hygiene in one RUN."""

from __future__ import annotations

import pytest

from slimfix import parse
from slimfix.engine import Safety, Settings, check_text, fix_text
from slimfix.shell import append_command, script

CODE = "SF101"


def fix(src: str, unsafe: bool = True, **kw) -> str:
    return fix_text(src, Settings(select=frozenset({CODE}), unsafe_fixes=unsafe, **kw)).output


def diags(src: str, **kw):
    return [d for d in check_text(src, Settings(select=frozenset({CODE}), **kw)) if d.code == CODE]


@pytest.mark.parametrize(
    "src",
    (
        # already clean, apt-get clean kept
        "FROM d\nRUN apt-get update && apt-get install -y --no-install-recommends c && apt-get clean && rm -rf /var/lib/apt/lists/*\n",
        # hadolint's spelling of --no-install-recommends; -qq implies -y; rm of the folder itself
        "FROM d\nRUN apt-get -qq update && apt-get -qq install -o APT::Install-Recommends=false c && rm -r /var/lib/apt/lists\n",
        "FROM d\nRUN apt-get update && apt-get install --assume-yes --no-install-recommends c && apt-get distclean\n",
        # a cache or tmpfs mount covers the lists
        "FROM d\nRUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y --no-install-recommends c\n",
        "FROM d\nRUN --mount=type=tmpfs,target=/var/lib/apt apt-get update && apt-get install -y --no-install-recommends c\n",
        # not a command: an argument, a string for sh -c, exec form
        "FROM d\nRUN echo apt-get install c\n",
        "FROM d\nRUN sh -c 'apt-get update && apt-get install c'\n",
        'FROM d\nRUN ["apt-get", "install", "c"]\n',
        # an update alone in its own RUN: its lists are needed by the next RUN (reported there)
        "FROM d\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends c\n",
        # the suppression comments
        "FROM d\n# slimfix: ignore=SF101\nRUN apt-get update && apt-get install c\n",
        "FROM d\n# hadolint ignore=DL3009,DL3015,DL3014\nRUN apt-get update && apt-get install c\n",
        "# hadolint global ignore=DL3019\nFROM alpine\nRUN apk add c\n",
        # a here-document the view cannot map back exactly, and a shell comment: reported, never edited
        "FROM d\nRUN <<EOF\nif true; then\n  apt-get update && apt-get install c\nfi\nEOF\n",
        "FROM d\nRUN apt-get update && apt-get install c # why\n",
        # apk, dnf, zypper already clean
        "FROM alpine\nRUN apk add --no-cache c\nRUN apk update && apk add --no-cache c && rm -rf /var/cache/apk/*\n",
        "FROM f\nRUN dnf install -y c && dnf clean all\nRUN yum -y install c && rm -rf /var/cache/yum\n",
        "FROM s\nRUN zypper -n in c && zypper cc -a\nRUN microdnf install c && microdnf clean all\n",
    ),
)
def test_noop(src: str) -> None:
    assert fix(src) == src


@pytest.mark.parametrize(
    ("src", "expected"),
    (
        (
            "FROM d\nRUN apt-get update && apt-get install c\n",
            "FROM d\nRUN apt-get update && apt-get install -y --no-install-recommends c && rm -rf /var/lib/apt/lists/*\n",
        ),
        (  # apt, wrappers and assignments
            "FROM d\nRUN DEBIAN_FRONTEND=noninteractive apt update && sudo apt install -q c\n",
            ("FROM d\nRUN DEBIAN_FRONTEND=noninteractive apt update && sudo apt install -y -q --no-install-recommends c "
            "&& rm -rf /var/lib/apt/lists/*\n"),
        ),
        (  # a flag taking a value is not skipped over
            "FROM d\nRUN apt-get update && apt-get install -y -t bookworm-backports c\n",
            ("FROM d\nRUN apt-get update && apt-get install -y --no-install-recommends -t bookworm-backports c "
            "&& rm -rf /var/lib/apt/lists/*\n"),
        ),
        (  # trailing && with an inner comment
            "FROM d\nRUN apt-get update && \\\n    # why\n    apt-get install -y --no-install-recommends c\n",
            ("FROM d\nRUN apt-get update && \\\n    # why\n    apt-get install -y --no-install-recommends c && \\\n"
            "    rm -rf /var/lib/apt/lists/*\n"),
        ),
        (  # leading &&: the new line is indented like the && lines
            "FROM d\nRUN apt-get update \\\n  && apt-get install -y --no-install-recommends \\\n       a \\\n       b\n",
            ("FROM d\nRUN apt-get update \\\n  && apt-get install -y --no-install-recommends \\\n       a \\\n       b \\\n"
            "  && rm -rf /var/lib/apt/lists/*\n"),
        ),
        (  # set -e with ; lines (official images), ending with a lone ;
            "FROM d\nRUN set -eux; \\\n\tapt-get update; \\\n\tapt-get install -y --no-install-recommends c \\\n\t;\n",
            ("FROM d\nRUN set -eux; \\\n\tapt-get update; \\\n\tapt-get install -y --no-install-recommends c \\\n\t; \\\n"
            "\trm -rf /var/lib/apt/lists/*\n"),
        ),
        (  # ; without set -e: && keeps a failing install failing the build
            "FROM d\nRUN apt-get update; apt-get install -y --no-install-recommends c\n",
            "FROM d\nRUN apt-get update; apt-get install -y --no-install-recommends c && rm -rf /var/lib/apt/lists/*\n",
        ),
        (
            "FROM d\r\nONBUILD RUN apt-get update && apt-get install -y --no-install-recommends c\r\n",
            "FROM d\r\nONBUILD RUN apt-get update && apt-get install -y --no-install-recommends c && rm -rf /var/lib/apt/lists/*\r\n",
        ),
        (
            "FROM alpine\nRUN apk --update add c\n",
            "FROM alpine\nRUN apk --update add --no-cache c\n",
        ),
        (
            "FROM f\nRUN dnf install c\nRUN microdnf install c\n",
            "FROM f\nRUN dnf install -y c && dnf clean all && rm -rf /var/cache/dnf\nRUN microdnf install c && microdnf clean all\n",
        ),
        (
            "FROM s\nRUN zypper --non-interactive install c\n",
            "FROM s\nRUN zypper --non-interactive install c && zypper clean --all\n",
        ),
    ),
)
def test_fix(src: str, expected: str) -> None:
    assert fix(src) == expected
    assert fix(expected) == expected


def test_no_install_recommends_is_unsafe() -> None:
    src = "FROM d\nRUN apt-get update && apt-get install c\n"
    assert fix(src, unsafe=False) == "FROM d\nRUN apt-get update && apt-get install -y c && rm -rf /var/lib/apt/lists/*\n"
    found = {d.message.split(";")[0]: d.fix.safety for d in diags(src)}
    assert found["apt-get install also installs recommended packages the image may not need"] is Safety.UNSAFE


def test_list_removal_unsafe_when_a_later_run_relies_on_the_lists() -> None:
    src = (
        "FROM d AS base\nRUN apt-get update && apt-get install -y --no-install-recommends a\n"
        "FROM base\nRUN apt-get install -y --no-install-recommends b\n"
    )
    assert fix(src, unsafe=False) == src
    (removal,) = [d for d in diags(src) if d.fix is not None]
    assert removal.fix.safety is Safety.UNSAFE
    assert "line 4" in removal.message


def test_stale_update_is_reported_on_the_install() -> None:
    src = "FROM d\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends c\n"
    (d,) = diags(src)
    assert d.fix is None
    assert (d.line, d.column) == (3, 5)
    assert "line 2" in d.message and "stale" in d.message


def test_diagnostic_span_is_the_install_command() -> None:
    src = "FROM d\nRUN apt-get update && apt-get install -y --no-install-recommends c\n"
    (d,) = diags(src)
    assert src[d.start : d.end] == "apt-get install -y --no-install-recommends c"
    assert "appends rm -rf /var/lib/apt/lists/*" in d.message


def test_trailing_operator_is_reported_not_fixed() -> None:
    src = "FROM d\nRUN apt-get update && apt-get install -y --no-install-recommends c &\n"
    assert fix(src) == src
    (d,) = diags(src)
    assert d.fix is None and "cannot place it" in d.message


def test_heredoc_is_fixed_in_its_body() -> None:
    src = "FROM d\nRUN <<EOF\napt-get update\napt-get install -y --no-install-recommends c\nEOF\n"
    (d,) = diags(src)
    assert d.fix is not None and "here-document" not in d.message
    # no set -e: the cleanup joins the last line with &&, so its status still fails the build
    assert fix(src) == src.replace("recommends c\n", "recommends c && rm -rf /var/lib/apt/lists/*\n")


def test_heredoc_finding_points_into_the_body() -> None:
    src = "FROM d\nRUN <<EOF\napt-get update\napt-get install c\nEOF\n"
    found = diags(src)
    assert len(found) == 3  # no -y, recommends, the lists left
    assert all(src[d.start : d.end] == "apt-get install c" and (d.line, d.column) == (4, 1) for d in found)


def test_heredoc_edits_keep_each_bodys_own_offsets() -> None:
    """Two RUNs with equal bodies share one kept view; each edit lands in its own RUN."""
    body = "apt-get update\napt-get install -y --no-install-recommends c\n"
    src = f"FROM d\nRUN <<EOF\n{body}EOF\nRUN --mount=type=secret,id=x <<EOF\n{body}EOF\n"
    assert fix(src) == src.replace("recommends c\n", "recommends c && rm -rf /var/lib/apt/lists/*\n")


def test_mounts_policy_leaves_cleanup_to_sf103() -> None:
    src = "FROM d AS build\nRUN apt-get update && apt-get install -y --no-install-recommends c\nRUN zypper -n in c\n"
    out = fix(src, cache_stages=(("build", "mounts"),))
    assert out == src.replace("zypper -n in c", "zypper -n in c && zypper clean --all")


def test_append_command_keeps_leading_and_indent() -> None:
    """Regression (shell.continuation_style): the new && line takes the && lines' indent,
    not the deeper indent of the last continuation."""
    df = parse("FROM d\nRUN a \\\n  && b \\\n       c\n")
    run = df.instructions[1]
    edit = append_command(run, script(run), "z", df.newline)
    assert edit.new == " \\\n  && z"
