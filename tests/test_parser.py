"""The lossless tree: exact round trip, and agreement with BuildKit's own parser.

Every input here is ours, written for the cases BuildKit's parser tests cover
(``frontend/dockerfile/parser/testfiles``): escape directives, comments inside
continuations, empty continuation lines, continuation at end of file, trailing blanks after
the escape, JSON and invalid JSON, ONBUILD, HEALTHCHECK flags, volumes, CRLF, BOM, heredocs.
"""

from __future__ import annotations

import pytest

from oracles import OracleError, buildkit
from slimfix import SlimfixSyntaxError, parse, parse_instruction
from slimfix.cst import Continuation, Dockerfile, Heredoc, Instruction, Line

CASES = {
    "plain": "FROM debian:bookworm\nRUN echo hi\n",
    "no-final-newline": "FROM a\nRUN echo hi",
    "crlf": "FROM a\r\nRUN apt-get update \\\r\n    && apt-get install -y curl\r\n",
    "mixed-newlines": "FROM a\r\nRUN a \\\n  b\r\nCMD x\n",
    "bom": "\ufeff# syntax=docker/dockerfile:1\nFROM a\n",
    "bom-escape": "\ufeff# escape=`\nFROM a\nRUN echo a `\n  b\n",
    "escape-backtick": "# escape=`\nFROM mcr.microsoft.com/windows/servercore\nRUN powershell -Command `\n    Write-Host C:\\path\\ `\n    ; exit 0\nWORKDIR C:\\app\\\n",
    "directive-after-comment": "# hello\n# escape=`\nFROM a\nRUN echo \\\n  b\n",
    "directive-after-blank": "\n# escape=`\nFROM a\n",
    "directive-case": "#ESCAPE = `\nFROM a\nRUN x `\n y\n",
    "directive-indented": "   # syntax = docker/dockerfile:1.7\n# escape=\\\nFROM a\n",
    "unknown-directive-stops": "# foo=bar\n# escape=`\nFROM a\nRUN a \\\n b\n",
    "check-directive": "# check=skip=JSONArgsRecommended\nFROM a\n",
    "comment-in-continuation": "FROM a\nRUN apt-get update \\\n    # refresh\n    && apt-get install -y gcc \\\n  # another\n\n    && true\n",
    "empty-continuation-lines": "FROM a\nRUN a \\\n\n\n  b\n",
    "empty-continuation-joins": "FROM a\nRUN a \\\n\nRUN b\n",
    "blank-continuation-whitespace": "FROM a\nRUN a \\\n   \t\n  b\n",
    "continuation-at-eof": "FROM a\nRUN a \\",
    "continuation-at-eof-nl": "FROM a\nRUN a \\\n",
    "continuation-then-comment-eof": "FROM a\nRUN a \\\n# trailing\n",
    "trailing-blanks-after-escape": "FROM a\nRUN a \\  \t\n  b\n",
    "escaped-escape": "FROM a\nRUN echo \\\\\nRUN b\n",
    "keyword-then-continuation": "FROM a\nRUN\\\n  echo hi\n",
    "lower-case": "from a as b\nrun echo hi\ncopy --from=b / /\n",
    "indent": "  FROM a\n\tRUN x\n",
    "json-form": 'FROM a\nCMD ["echo", "hi"]\nENTRYPOINT ["/bin/sh", "-c"]\n',
    "json-unicode": 'FROM a\nCMD ["echo", "\\u00e9\\ud83d\\ude00", "caf\u00e9"]\n',
    "json-invalid": "FROM a\nCMD ['echo', 'hi']\nRUN [\"a\",\n",
    "json-empty": "FROM a\nCMD []\n",
    "json-spaces": 'FROM a\nCMD   [ "a" ,"b" ]   \n',
    "onbuild": "FROM a\nONBUILD RUN echo hi\nONBUILD COPY . /app\nonbuild add x y\n",
    "onbuild-json": 'FROM a\nONBUILD CMD ["a"]\n',
    "healthcheck": "FROM a\nHEALTHCHECK --interval=5m --timeout=3s --retries=3 \\\n  CMD curl -f http://localhost/ || exit 1\nHEALTHCHECK NONE\n",
    "healthcheck-json": 'FROM a\nHEALTHCHECK --start-period=1s CMD ["curl", "x"]\n',
    "volumes": 'FROM a\nVOLUME /a /b\nVOLUME ["/c", "/d"]\nVOLUME /e\n',
    "env-forms": 'FROM a\nENV A=1 B="2 3" C=4\\ 5\nENV D 6 7\nENV E=\nLABEL "k"="v" x=y\n',
    "arg": "ARG BASE=debian\nFROM $BASE\nARG A B=2\n",
    "expose": "FROM a\nEXPOSE 80/tcp 443 8000-8010\n",
    "flags": 'FROM --platform=$BUILDPLATFORM a AS b\nCOPY --chown=1:1 --chmod=755 --link ["a b", "/c/"]\nRUN --mount=type=cache,target=/root/.cache --network=none echo\nADD --checksum=sha256:abc https://x/y /z\n',
    "flag-quoted": 'FROM a\nRUN --mount="type=bind,source=a b" echo\n',
    "double-dash": "FROM a\nCOPY -- --weird /dst\n",
    "maintainer": "FROM a\nMAINTAINER Jane Doe <jane@example.com>\n",
    "shell": 'FROM a\nSHELL ["powershell", "-Command"]\nRUN Write-Host hi\n',
    "stopsignal-user": "FROM a\nSTOPSIGNAL SIGTERM\nUSER app:app\nWORKDIR /srv/app\n",
    "heredoc-run": "FROM a\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n",
    "heredoc-chomp": "FROM a\nRUN <<-EOT\n\techo hi\n\tEOT\n",
    "heredoc-quoted": "FROM a\nRUN <<'EOF' bash\necho $HOME\nEOF\nRUN <<\"X\"\necho \"$A\"\nX\n",
    "heredoc-two": "FROM a\nRUN <<A cat <<B\none\nA\ntwo\nB\n",
    "heredoc-copy": "FROM a\nCOPY <<EOF /etc/app.conf\nkey=value\nEOF\n",
    "heredoc-fd": "FROM a\nRUN 3<<EOF cat /dev/fd/3\nx\nEOF\n",
    "heredoc-crlf": "FROM a\r\nRUN <<EOF\r\necho hi\r\nEOF\r\n",
    "heredoc-eof-no-newline": "FROM a\nRUN <<EOF\nhi\nEOF",
    "heredoc-redirect": "FROM a\nRUN cat <<EOF > /x\nhello\nEOF\n",
    "heredoc-in-json-run": 'FROM a\nRUN ["cat", "<<EOF"]\n',
    "heredoc-onbuild": "FROM a\nONBUILD RUN <<EOF\necho hi\nEOF\n",
    "not-heredoc": "FROM a\nRUN cat<<EOF\nRUN echo '<<EOF'\n",
    "hash-not-comment": "FROM a # not a comment\nRUN echo # shell comment\n",
    "comments-everywhere": "# top\n\n# before from\nFROM a\n\n# before run\n  # indented\nRUN x\n# footer\n\n",
    "only-comments": "# just a comment\n",
    "empty": "",
    "blank-lines": "\n\n\n",
    "cr-inside-line": "FROM a\nRUN a\rb\n",
    "multi-stage": "FROM golang:1.22 AS build\nRUN go build -o /out/app .\nFROM gcr.io/distroless/static\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n",
    "no-args": "FROM a\nRUN\nCMD\n",
    "unicode": "FROM a\nLABEL description=\"caf\u00e9 \u2603\"\nRUN echo \u00e9\u00e8\n",
}

BUILDKIT_FAILS = {"empty", "blank-lines", "only-comments"}  # "file with no instructions"


@pytest.mark.parametrize("name", sorted(CASES))
def test_round_trip(name: str) -> None:
    text = CASES[name]
    assert parse(text).code == text


@pytest.mark.parametrize("name", sorted(set(CASES) - BUILDKIT_FAILS))
def test_agrees_with_buildkit(name: str) -> None:
    text = CASES[name]
    theirs = buildkit(text)
    assert not isinstance(theirs, OracleError), theirs
    assert describe(parse(text)) == [oracle_view(o) for o in theirs]


def describe(df: Dockerfile) -> list[tuple]:
    """Our tree in the oracle's terms (see tests/oracles.py for the known differences)."""
    out = []
    for instr in df.instructions:
        sem = instr.sem
        first, last = df.lines_of(instr)
        heredocs = () if sem.inner is not None else tuple((h.name, h.body) for h in instr.heredocs)
        out.append((sem.keyword, first, last, tuple(f.word for f in sem.flags), sem.value, sem.json, heredocs))
    return out


def oracle_view(o) -> tuple:
    return (o.keyword, o.start_line, o.end_line, o.flags, o.value, o.json, o.heredocs)


ERRORS = {
    "unknown instruction": "FROM a\nFOO bar\n",
    "unknown after continuation": "FROM a\nRUN\\\necho hi\n",
    "bad escape": "# escape=x\nFROM a\n",
    "duplicate directive": "# escape=\\\n# escape=`\nFROM a\n",
    "unterminated heredoc": "FROM a\nRUN <<EOF\necho\n",
    "json not strings": "FROM a\nCMD [1, 2]\n",
    "env one word": "FROM a\nENV A\n",
    "env missing =": "FROM a\nENV A=1 B\n",
    "onbuild onbuild": "FROM a\nONBUILD ONBUILD RUN x\n",
    "onbuild from": "FROM a\nONBUILD FROM x\n",
    "continuation without instruction": "FROM a\n\\\n",
}


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_errors_are_syntax_errors(name: str) -> None:
    with pytest.raises(SlimfixSyntaxError) as info:
        parse(ERRORS[name])
    err = info.value
    assert err.line >= 1 and err.column >= 1 and err.reason
    assert str(err).startswith(f"{err.line}:{err.column}: ")


def test_error_positions() -> None:
    with pytest.raises(SlimfixSyntaxError) as info:
        parse("FROM a\n\n  FOO bar\n")
    assert (info.value.line, info.value.column) == (3, 3)
    with pytest.raises(SlimfixSyntaxError) as info:
        parse("FROM a\nRUN <<EOF\nx\n")
    assert info.value.line == 2


def test_layout_belongs_to_nodes() -> None:
    df = parse("\ufeff# syntax=x\n# escape=\\\n\n# about a\nFROM a\nRUN b \\\n  # inner\n  c\n# tail\n")
    assert df.header.bom == "\ufeff"
    assert [d.text for d in df.header.directives] == ["# syntax=x", "# escape=\\"]
    assert df.directives == {"syntax": "x", "escape": "\\"}
    first, run = df.instructions
    assert [line.text for line in first.leading] == ["", "# about a"]
    assert first.comments == ("# about a",)
    cont = run.parts[1]
    assert isinstance(cont, Continuation)
    assert [line.text for line in cont.inner] == ["  # inner"]
    assert cont.indent == "  "
    assert [line.text for line in df.footer] == ["# tail"]
    # deleting the first FROM keeps the header
    assert df.replace(first).code.startswith("\ufeff# syntax=x\n# escape=\\\n")


def test_nodes_are_identity_equal() -> None:
    df = parse("FROM a\nRUN x\nRUN x\n")
    a, b = df.instructions[1:]
    assert a.code == b.code and a != b and len({a, b}) == 2


def test_replace_shares_untouched_nodes() -> None:
    df = parse("FROM a\nRUN x\nRUN y\n")
    new = parse_instruction("RUN z\n")
    df2 = df.replace(df.instructions[1], new)
    assert df2.code == "FROM a\nRUN z\nRUN y\n"
    assert df2.instructions[0] is df.instructions[0] and df2.instructions[2] is df.instructions[2]
    assert df.code == "FROM a\nRUN x\nRUN y\n"  # the old tree is unchanged


def test_parse_instruction_keeps_comments_and_escape() -> None:
    instr = parse_instruction("# why\nRUN a `\n  b\n", escape="`")
    assert instr.comments == ("# why",) and instr.sem.value == ("a   b",)
    with pytest.raises(SlimfixSyntaxError):
        parse_instruction("RUN a\nRUN b\n")


def test_newline_none_uses_file_newline() -> None:
    df = parse("FROM a\r\nRUN x\r\n")
    assert df.newline == "\r\n"
    extra = Instruction("RUN", (" y",), None)
    assert df.replace(df.instructions[1], df.instructions[1], extra).code == "FROM a\r\nRUN x\r\nRUN y\r\n"


def test_heredoc_nodes() -> None:
    df = parse("FROM a\nRUN <<-EOF cat\n\tx\n\tEOF\n")
    (doc,) = df.instructions[1].heredocs
    assert isinstance(doc, Heredoc)
    assert (doc.name, doc.chomp, doc.body, doc.terminator, doc.content) == ("EOF", True, "\tx\n", "\tEOF", "x\n")


def _children_in_emit_order(node) -> None:
    """LibCST's validate_node: a node's children appear in the order its code emits them."""
    code = node.code
    pos = 0
    for child in node.children():
        piece = child.code
        found = code.find(piece, pos)
        assert found != -1, (type(node).__name__, type(child).__name__)
        pos = found + len(piece)
        _children_in_emit_order(child)


@pytest.mark.parametrize("name", sorted(CASES))
def test_children_order_matches_codegen(name: str) -> None:
    _children_in_emit_order(parse(CASES[name]))


def test_every_node_type_is_covered() -> None:
    kinds = {type(n) for name in CASES for n in parse(CASES[name]).walk()}
    from slimfix.cst import Header

    assert {Dockerfile, Header, Instruction, Line, Continuation, Heredoc} <= kinds
