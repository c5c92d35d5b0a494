"""SF401 shell-form-command: no-op inputs, (src, expected) pairs, and the JSON it writes."""

from __future__ import annotations

import dockerfile
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from slimfix import parse
from slimfix.cst.semantics import parse_json
from slimfix.engine import Safety, Settings, check_text, fix_text
from slimfix.shell import _WRAPPERS, script
from slimfix.transforms.sf401_shell_form_command import SHELL_ONLY

CODE = "SF401"


def fix(src: str, unsafe: bool = True) -> str:
    return fix_text(src, Settings(select=frozenset({CODE}), unsafe_fixes=unsafe)).output


@pytest.mark.parametrize(
    "src",
    (
        'FROM python:3\nCMD ["gunicorn", "app:app"]\n',  # already exec form
        "FROM python:3\nCMD gunicorn --bind 0.0.0.0:$PORT app:app\n",  # a variable
        "FROM python:3\nCMD migrate && serve\n",  # an operator
        "FROM python:3\nCMD serve; cleanup\n",
        "FROM python:3\nCMD serve | tee /log\n",
        "FROM python:3\nCMD serve 2>&1\n",  # a redirection
        "FROM python:3\nCMD ls *.txt\n",  # a glob
        "FROM python:3\nCMD cat ~/.profile\n",  # a tilde
        "FROM python:3\nCMD echo a\\ b\n",  # a backslash
        'FROM python:3\nCMD echo "a\\"b"\n',
        "FROM python:3\nCMD echo $(date)\n",  # a command substitution
        "FROM python:3\nCMD (serve)\n",  # a subshell
        "FROM python:3\nCMD if true; then serve; fi\n",
        "FROM python:3\nCMD PORT=80 serve\n",  # an assignment prefix
        "FROM python:3\nCMD cd /app\n",  # a builtin
        "FROM python:3\nCMD serve # a comment\n",
        "FROM python:3\nCMD serve\u000bnow\n",  # sh does not split on a vertical tab
        "FROM python:3\nCMD serve '\x00'\n",  # no program can get a NUL in an argument
        'FROM python:3\nENTRYPOINT serve\nCMD ["--port", "80"]\n',  # CMD would become arguments
        'FROM python:3\nCMD ["--port", "80"]\nENTRYPOINT serve\n',
        "FROM python:3 AS a\nENTRYPOINT serve\nFROM a\nCMD --verbose\n",  # inherited by a stage
        'FROM python:3\nENTRYPOINT ["python"]\nCMD app.py\n',  # CMD is an ENTRYPOINT's arguments
        "FROM python:3\nONBUILD ENTRYPOINT serve\n",  # a later image may set CMD
        'FROM python:3\nSHELL ["pwsh", "-Command"]\nCMD Write-Host hi\n',
        'FROM python:3 AS a\nSHELL ["cmd", "/S", "/C"]\nFROM a\nCMD dir\n',  # inherited SHELL
        "# escape=`\nFROM python:3\nCMD serve\n",
        "FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nCMD serve\n",
        "FROM --platform=windows/amd64 python:3\nCMD serve\n",
        "FROM python:3\n# slimfix: ignore=SF401\nCMD serve\n",
        "FROM python:3\n# hadolint ignore=DL3025\nCMD serve\n",
        "FROM python:3\nRUN serve\n",  # RUN is not this rule's
        "FROM python:3\nCMD --flag serve\n",  # BuildKit reads --flag as CMD's own flag
    ),
)
def test_noop(src: str) -> None:
    assert fix(src) == src


@pytest.mark.parametrize(
    ("src", "expected"),
    (
        ("FROM python:3\nCMD serve\n", 'FROM python:3\nCMD ["serve"]\n'),
        ("FROM python:3\nCMD gunicorn -b :80 app:app\n", 'FROM python:3\nCMD ["gunicorn", "-b", ":80", "app:app"]\n'),
        ("FROM python:3\nENTRYPOINT node server.js\n", 'FROM python:3\nENTRYPOINT ["node", "server.js"]\n'),
        ("from python:3\ncmd  serve  --x \n", 'from python:3\ncmd  ["serve", "--x"] \n'),
        ("FROM python:3\nCMD exec serve -v\n", 'FROM python:3\nCMD ["serve", "-v"]\n'),
        ("FROM python:3\nCMD py -c 'a; b' \"x y\"\n", 'FROM python:3\nCMD ["py", "-c", "a; b", "x y"]\n'),
        ("FROM python:3\nCMD echo 'a\\b $x'\n", 'FROM python:3\nCMD ["echo", "a\\\\b $x"]\n'),
        ("FROM python:3\nCMD echo ünïcode\n", 'FROM python:3\nCMD ["echo", "ünïcode"]\n'),
        ("FROM python:3\r\nCMD serve\r\n", 'FROM python:3\r\nCMD ["serve"]\r\n'),
        ("FROM python:3\nCMD serve", 'FROM python:3\nCMD ["serve"]'),
        (
            "FROM python:3\nCMD serve \\\n  # why\n  --port 80\n",
            'FROM python:3\n# why\nCMD ["serve", "--port", "80"]\n',
        ),
        ("FROM python:3\nONBUILD CMD serve\n", 'FROM python:3\nONBUILD CMD ["serve"]\n'),
        (
            'FROM python:3\nSHELL ["/bin/bash", "-c"]\nCMD serve\n',
            'FROM python:3\nSHELL ["/bin/bash", "-c"]\nCMD ["serve"]\n',
        ),
        (  # the ENTRYPOINT's stage has a CMD, but the stage built from it resets it
            "FROM python:3 AS a\nCMD x\nFROM a\nENTRYPOINT serve\n",
            'FROM python:3 AS a\nCMD ["x"]\nFROM a\nENTRYPOINT ["serve"]\n',
        ),
    ),
)
def test_fix(src: str, expected: str) -> None:
    assert fix(src) == expected


def test_unsafe_fix_is_not_applied_by_default() -> None:
    src = "FROM python:3\nCMD serve\n"
    assert fix(src, unsafe=False) == src
    (d,) = check_text(src, Settings(select=frozenset({CODE})))
    assert d.fix is not None and d.fix.safety is Safety.UNSAFE


def test_entrypoint_with_cmd_is_display_only_and_says_why() -> None:
    src = 'FROM python:3\nENTRYPOINT serve --x\nCMD ["--port", "80"]\n'
    (d,) = check_text(src, Settings(select=frozenset({CODE}), unsafe_fixes=True))
    assert d.fix is not None and d.fix.safety is Safety.DISPLAY_ONLY
    assert "line 3" in d.message and '["serve", "--x"]' in d.message
    assert (d.line, d.column, d.end_column) == (2, 12, 21)


def test_shell_feature_is_reported_with_the_reason() -> None:
    src = "FROM python:3\nCMD serve --port $PORT\n"
    (d,) = check_text(src, Settings(select=frozenset({CODE}), unsafe_fixes=True))
    assert d.fix is None
    assert "$PORT" in d.message
    assert (d.line, d.column) == (2, 5)


# ---- property: the JSON we write reads back as the argv the shell view saw -------------

_PLAIN = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Zs", "Zl", "Zp", "Cc"), blacklist_characters="$`\\'\"*?[]~{}|&;<>()#"
    ),
    min_size=1,
    max_size=8,
)
_ANY = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r\x0b\x0c\x00'"), max_size=8
)


# BuildKit reads a leading "--word" as a flag of CMD itself; the shell view reads any
# "letters=" (non-ASCII letters too) as an assignment, so the program has no "="; and it
# looks through wrappers (sudo, env, exec, ...) to the program they run, so none comes first.
_FIRST = _PLAIN.filter(lambda s: s not in SHELL_ONLY and s not in _WRAPPERS and not s.startswith("--") and "=" not in s)


@st.composite
def _words(draw) -> list[tuple[str, str]]:
    """(as written, value) pairs: a program, then plain words, single-quoted anything, double-quoted plain text."""
    first = draw(_FIRST)
    out = [(first, first)]
    for _ in range(draw(st.integers(0, 5))):
        kind = draw(st.sampled_from(("plain", "single", "double")))
        if kind == "plain":
            w = draw(_PLAIN)
            out.append((w, w))
        elif kind == "single":
            w = draw(_ANY)
            out.append((f"'{w}'", w))
        else:
            w = draw(_PLAIN)
            out.append((f'"{w}"', w))
    return out


@settings(max_examples=300, deadline=None)
@given(_words())
def test_written_json_reads_back_as_the_shell_argv(words: list[tuple[str, str]]) -> None:
    src = "FROM python:3\nCMD " + " ".join(raw for raw, _ in words) + "\n"
    scr = script(parse(src).instructions[1])
    assert scr is not None and not scr.opaque and len(scr.commands) == 1
    seen = list(scr.commands[0].args)
    assert seen == [value for _, value in words]
    out = fix(src)
    cmd = parse(out).instructions[1]
    assert cmd.is_json, out
    assert list(cmd.value) == seen
    assert parse_json(cmd.sem.args) == seen
    (theirs,) = [c for c in dockerfile.parse_string(out) if c.cmd.upper() == "CMD"]
    assert theirs.json and list(theirs.value) == seen
