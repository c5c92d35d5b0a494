"""Hypothesis strategies that write Dockerfile text from a small grammar.

``dockerfiles()`` draws well-formed files: an optional BOM; ``# syntax=``,
``# escape=`` (``\\`` or backtick) and ``# check=`` directives; comments and blank
lines; every instruction in random keyword case; flags; shell and JSON forms;
line continuations with trailing blanks, inner comments, empty lines and indents;
heredocs (``<<EOF``, ``<<-EOF``, quoted, two per line); LF, CRLF or mixed
newlines; and sometimes no final newline or a continuation at EOF.  A few
deliberately odd forms are mixed in (invalid JSON, unknown instructions, and
about 1 in 30 instructions that BuildKit rejects), so most files, but not all,
parse with BuildKit (see tests/test_oracles.py for the rate).

``noisy_dockerfiles()`` mutates such files with random insertions and deletions
of characters that matter to the parser (``\\r``, ``\\``, backtick, ``<<``, ``[``,
quotes, ``#``, NUL, non-ASCII).  Its output is any ``str`` without lone
surrogates: slimfix decodes files from UTF-8, so it never sees those.

Directives are ordered ``syntax``, ``escape``, ``check``: BuildKit v0.12.5 (the
oracle) stops reading directives at ``# check=``, today's BuildKit does not, so
putting ``check`` last keeps both agreeing on the escape character.
"""

from __future__ import annotations

import json

from hypothesis import strategies as st

__all__ = ["dockerfiles", "noisy_dockerfiles"]

_IDENT = st.sampled_from(["app", "build", "x", "node_modules", "VERSION", "py3", "é"])
_IMAGES = st.sampled_from(
    [
        "alpine",
        "alpine:3.19",
        "debian:bookworm-slim",
        "python:3.12-slim",
        "node:20",
        "golang:1.22 ",
        "mcr.microsoft.com/windows/servercore:ltsc2022",
        "scratch",
        "${BASE}",
        "ubuntu@sha256:" + "a" * 64,
        "$IMAGE:$TAG",
    ]
)
_PATHS = st.sampled_from(["/app", "/usr/local/bin/", ".", "src/", "/etc/x.conf", "*.txt", "/tmp/a b"])
_SHELL_WORDS = st.sampled_from(
    [
        "apt-get",
        "install",
        "-y",
        "--no-install-recommends",
        "curl",
        "pip",
        "--no-cache-dir",
        "rm",
        "-rf",
        "/var/lib/apt/lists/*",
        "echo",
        "$HOME",
        "${VAR:-x}",
        "${A:+b}",
        '"a b"',
        "'c $d'",
        "&&",
        "||",
        ";",
        "|",
        ">",
        "/dev/null",
        "2>&1",
        ">>",
        "/tmp/log",
        "<",
        "set",
        "-eux",
        "make",
        "-j$(nproc)",
        "cd",
        "/src",
        "\\$x",
        "é",
        "tar",
        "xzf",
        "-",
        "#notcomment",
    ]
)
_JSON_WORDS = st.sampled_from(["sh", "-c", "echo hi", "/bin/app", "--flag=1", "é", "\t", 'q"', "\\", "😀", ""])


def _case(draw: st.DrawFn, keyword: str) -> str:
    style = draw(st.sampled_from(["upper"] * 6 + ["lower", "mixed"]))
    if style == "upper":
        return keyword
    if style == "lower":
        return keyword.lower()
    flips = draw(st.lists(st.booleans(), min_size=len(keyword), max_size=len(keyword)))
    return "".join(c.lower() if f else c for c, f in zip(keyword, flips))


def _break(draw: st.DrawFn, escape: str, shell: bool = False) -> str:
    """A separator between two words: a blank, or a line continuation."""
    if draw(st.integers(0, 3)) != 0:
        return draw(st.sampled_from([" ", " ", "  ", "\t"]))
    trailing = draw(st.sampled_from(["", "", "", " ", "\t ", "  "]))
    inner = draw(st.lists(st.sampled_from(["# inner comment", "  # indented comment", "", "   ", "#"]), max_size=2))
    indent = draw(st.sampled_from(["    ", "  ", "\t", "", "        "]))
    lead = "&& " if shell and draw(st.integers(0, 3)) == 0 else ""
    return " " + escape + trailing + "\n" + "".join(line + "\n" for line in inner) + indent + lead


def _words(draw: st.DrawFn, escape: str, words: list[str], shell: bool = False) -> str:
    out = words[0]
    for word in words[1:]:
        out += _break(draw, escape, shell) + word
    return out


def _shell(draw: st.DrawFn, escape: str) -> str:
    words = draw(st.lists(_SHELL_WORDS, min_size=1, max_size=7))
    if escape == "\\":
        words = [w for w in words if not w.endswith("\\")] or ["true"]
    return _words(draw, escape, words, shell=True)


def _json(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 29))
    if kind == 0:
        return draw(st.sampled_from(['["a", ', "['a', 'b']", '["a" "b"]', "[", '["a"] trailing']))
    if kind == 1:
        return draw(st.sampled_from(["[1]", '["a", null]']))  # rejected by BuildKit
    items = draw(st.lists(_JSON_WORDS, min_size=1, max_size=4))
    text = json.dumps(items, ensure_ascii=draw(st.booleans()))
    return text.replace(", ", draw(st.sampled_from([", ", ",", " , "])))


def _command(draw: st.DrawFn, escape: str) -> str:
    return _json(draw) if draw(st.integers(0, 2)) == 0 else _shell(draw, escape)


def _flags(draw: st.DrawFn, choices: list[str]) -> str:
    flags = draw(st.lists(st.sampled_from(choices), max_size=2, unique=True))
    return "".join(flag + " " for flag in flags)


def _heredoc(draw: st.DrawFn, keyword: str) -> tuple[str, list[str]]:
    """The instruction line (without newline) and the body lines after it."""
    names = draw(st.lists(st.sampled_from(["EOF", "SCRIPT", "END", "A", "py"]), min_size=1, max_size=2, unique=True))
    markers, bodies = [], []
    for name in names:
        chomp = draw(st.booleans())
        quote = draw(st.sampled_from(["", "", "'", '"']))
        markers.append(f"<<{'-' if chomp else ''}{quote}{name}{quote}")
        lines = draw(
            st.lists(
                st.sampled_from(
                    ["set -e", "echo $HOME", "apt-get update", "  indented", "", "print('hi')", "EOF2", "#!/bin/sh"]
                ),
                max_size=3,
            )
        )
        tab = "\t" if chomp else ""
        bodies += [tab + line if line else line for line in lines] + [tab + name]
    if keyword == "RUN":
        line = markers[0]
        if len(markers) == 2:
            line = f"{markers[0]} cat > /a && cat {markers[1]} > /b"
        elif draw(st.booleans()):
            line = f"python3 {markers[0]}" if draw(st.booleans()) else f"{markers[0]} sh -e"
    else:
        line = " ".join(markers) + " " + draw(_PATHS)
    return line, bodies


@st.composite
def _instruction(draw: st.DrawFn, escape: str, allow_onbuild: bool = True) -> str:
    """One instruction; may span lines, always without the final newline."""
    keyword = draw(
        st.sampled_from(
            ["RUN"] * 5
            + ["COPY"] * 2
            + [
                "FROM",
                "CMD",
                "ENTRYPOINT",
                "ADD",
                "ENV",
                "ARG",
                "LABEL",
                "EXPOSE",
                "VOLUME",
                "WORKDIR",
                "USER",
                "HEALTHCHECK",
                "SHELL",
                "STOPSIGNAL",
                "ONBUILD",
                "MAINTAINER",
                "FOO",
            ]
        )
    )
    if keyword == "ONBUILD" and not allow_onbuild:
        keyword = "RUN"
    head = _case(draw, keyword) + draw(st.sampled_from([" ", " ", "\t", "  "]))
    if keyword == "RUN":
        flags = _flags(
            draw,
            [
                "--mount=type=cache,target=/root/.cache",
                "--network=none",
                "--mount=type=bind,source=.,target=/src",
                "--mount=type=secret,id=tok",
                "--security=insecure",
            ],
        )
        if draw(st.integers(0, 3)) == 0:
            line, body = _heredoc(draw, "RUN")
            return head + flags + line + "\n" + "\n".join(body)
        return head + flags + _command(draw, escape)
    if keyword in ("COPY", "ADD"):
        flags = _flags(
            draw,
            ["--from=build", "--chown=1000:1000", "--chmod=755", "--link", "--chown=app"]
            + (["--checksum=sha256:" + "0" * 64] if keyword == "ADD" else []),
        )
        if draw(st.integers(0, 3)) == 0:
            line, body = _heredoc(draw, keyword)
            return head + flags + line + "\n" + "\n".join(body)
        if draw(st.integers(0, 4)) == 0:
            return head + flags + json.dumps(draw(st.lists(_PATHS, min_size=2, max_size=3)))
        return head + flags + _words(draw, escape, draw(st.lists(_PATHS, min_size=2, max_size=4)))
    if keyword == "FROM":
        platform = "--platform=$BUILDPLATFORM " if draw(st.integers(0, 4)) == 0 else ""
        alias = " " + _case(draw, "AS") + " " + draw(_IDENT) if draw(st.booleans()) else ""
        return head + platform + draw(_IMAGES).strip() + alias
    if keyword in ("CMD", "ENTRYPOINT"):
        return head + _command(draw, escape)
    if keyword in ("ENV", "LABEL"):
        if keyword == "ENV" and draw(st.integers(0, 3)) == 0:
            return head + draw(_IDENT) + " " + draw(st.sampled_from(["1", "a b c", "/usr/bin:$PATH"]))
        pairs = draw(
            st.lists(
                st.tuples(
                    st.sampled_from(["A", "PATH", "org.opencontainers.image.title", "PY_VER", '"quoted key"']),
                    st.sampled_from(["1", '"a b"', "'c d'", "$PATH:/x", "${X:-y}", "", "a" + escape + " b"]),
                ),
                min_size=1,
                max_size=3,
            )
        )
        return head + _words(draw, escape, [f"{k}={v}" for k, v in pairs])
    if keyword == "ARG":
        return head + draw(st.sampled_from(["VERSION", "VERSION=1.2", "BASE=alpine", "A=1 B"]))
    if keyword == "EXPOSE":
        return head + " ".join(
            draw(st.lists(st.sampled_from(["80", "443/tcp", "53/udp", "$PORT"]), min_size=1, max_size=3))
        )
    if keyword == "VOLUME":
        if draw(st.booleans()):
            return head + json.dumps(draw(st.lists(_PATHS, min_size=1, max_size=2)))
        return head + " ".join(draw(st.lists(_PATHS, min_size=1, max_size=2)))
    if keyword == "WORKDIR":
        return head + draw(st.sampled_from(["/app", "$HOME/src", "C:\\app" if escape == "`" else "/srv"]))
    if keyword == "USER":
        return head + draw(st.sampled_from(["app", "1000:1000", "nobody", "ContainerUser"]))
    if keyword == "HEALTHCHECK":
        if draw(st.integers(0, 4)) == 0:
            return head + "NONE"
        flags = _flags(
            draw, ["--interval=30s", "--timeout=3s", "--start-period=5s", "--retries=3", "--start-interval=1s"]
        )
        return head + flags + _case(draw, "CMD") + " " + _command(draw, escape)
    if keyword == "SHELL":
        return head + draw(
            st.sampled_from(
                [
                    '["/bin/bash", "-o", "pipefail", "-c"]',
                    '["powershell", "-Command", "$ErrorActionPreference = \'Stop\';"]',
                    '["cmd", "/S", "/C"]',
                ]
            )
        )
    if keyword == "STOPSIGNAL":
        return head + draw(st.sampled_from(["SIGTERM", "SIGQUIT", "9"]))
    if keyword == "ONBUILD":
        return head + draw(_instruction(escape, allow_onbuild=False))
    if keyword == "MAINTAINER":
        return head + "Jane Doe <jane@example.com>"
    return head + draw(st.sampled_from(["bar", "baz qux", ""]))  # unknown instruction


def _comment(draw: st.DrawFn) -> str:
    return draw(
        st.sampled_from(
            [
                "# a comment",
                "#",
                "   # indented",
                "# TODO: slim",
                "#!shebang-ish",
                "# hadolint ignore=DL3008",
                "# é ünïcode",
            ]
        )
    )


@st.composite
def dockerfiles(draw: st.DrawFn) -> str:
    """A small Dockerfile text (mostly accepted by BuildKit)."""
    escape = "`" if draw(st.integers(0, 4)) == 0 else "\\"
    lines: list[str] = []
    if draw(st.integers(0, 2)) == 0:
        lines.append(
            draw(
                st.sampled_from(
                    [
                        "# syntax=docker/dockerfile:1",
                        "# syntax = docker/dockerfile:1.7",
                        "#syntax=docker/dockerfile:1-labs",
                    ]
                )
            )
        )
    if escape == "`" or draw(st.integers(0, 5)) == 0:
        lines.append(draw(st.sampled_from(["# escape=", "#escape=", "# ESCAPE = "])) + escape)
    if draw(st.integers(0, 5)) == 0:
        lines.append(draw(st.sampled_from(["# check=skip=JSONArgsRecommended", "# check=error=true"])))
    if draw(st.booleans()) and lines:
        lines.append("")
    if draw(st.booleans()):
        lines.append("ARG BASE=alpine")
    lines.append(_case(draw, "FROM") + " " + draw(_IMAGES).strip())
    for _ in range(draw(st.integers(0, 6))):
        for _ in range(draw(st.integers(0, 2))):
            lines.append(_comment(draw) if draw(st.booleans()) else draw(st.sampled_from(["", "  ", "\t"])))
        indent = draw(st.sampled_from(["", "", "", "  ", "\t"]))
        lines.append(indent + draw(_instruction(escape)))
    if draw(st.integers(0, 9)) == 0:
        lines.append(_case(draw, "RUN") + " echo done " + escape)  # continuation at EOF
    text = "\n".join(lines)
    if draw(st.integers(0, 5)) != 0:
        text += "\n"
    text = _newlines(draw, text)
    if draw(st.integers(0, 7)) == 0:
        text = "\ufeff" + text
    return text


def _newlines(draw: st.DrawFn, text: str) -> str:
    style = draw(st.sampled_from(["lf", "lf", "lf", "crlf", "mixed"]))
    if style == "lf":
        return text
    if style == "crlf":
        return text.replace("\n", "\r\n")
    parts = text.split("\n")
    ends = draw(st.lists(st.sampled_from(["\n", "\r\n"]), min_size=len(parts), max_size=len(parts)))
    return "".join(part + end for part, end in zip(parts[:-1], ends)) + parts[-1]


_NOISE = st.sampled_from(
    [
        "\r",
        "\n",
        "\r\n",
        "\\",
        "`",
        "<<",
        "<<-",
        "[",
        "]",
        '"',
        "'",
        "#",
        "\x00",
        "\t",
        " ",
        "$",
        "{",
        "--",
        "=",
        "EOF",
        "é",
        "\u00a0",
        "\ufeff",
        "\u2028",
        "😀",
        "\x0b",
        "\x85",
        "\\\n",
        "`\n",
    ]
)


@st.composite
def noisy_dockerfiles(draw: st.DrawFn) -> str:
    """A generated Dockerfile after 1 to 6 random character insertions/deletions."""
    text = draw(dockerfiles())
    for _ in range(draw(st.integers(1, 6))):
        pos = draw(st.integers(0, len(text)))
        if text and draw(st.integers(0, 2)) == 0:
            text = text[:pos] + text[pos + draw(st.integers(1, 3)) :]
        else:
            text = text[:pos] + draw(_NOISE) + text[pos:]
    return text
