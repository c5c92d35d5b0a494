"""Pins how the two oracle parsers behave, so an upgrade that changes them is noticed.

Also checks the hypothesis strategies (tests/strategies.py) and the benchmark
corpus generator (bench/gen_corpus.py), which are built around the oracles.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from oracles import (
    OracleError,
    OracleInstr,
    buildkit,
    buildkit_accepts,
    dockerfile_parse_boundaries,
)
from strategies import dockerfiles, noisy_dockerfiles

ROOT = Path(__file__).resolve().parent.parent
GEN_CORPUS = ROOT / "bench" / "gen_corpus.py"


def only(text: str) -> OracleInstr:
    """The instruction after the ``FROM x`` line that every case starts with."""
    result = buildkit(text)
    assert not isinstance(result, OracleError), result
    assert result[0].keyword == "FROM"
    assert len(result) == 2, result
    return result[1]


def shape(text: str) -> list[tuple[str, int, int, tuple[str, ...]]]:
    result = buildkit(text)
    assert not isinstance(result, OracleError), result
    return [(i.keyword, i.start_line, i.end_line, i.value) for i in result]


# --- BuildKit: lines, newlines, BOM -------------------------------------------------


def test_keyword_is_upper_cased_and_lines_are_one_based() -> None:
    assert shape("from ubuntu AS b\nrun echo hi\n") == [
        ("FROM", 1, 1, ("ubuntu", "AS", "b")),
        ("RUN", 2, 2, ("echo hi",)),
    ]


def test_bom_is_stripped_and_takes_no_line() -> None:
    assert shape("\ufeffFROM x\n") == [("FROM", 1, 1, ("x",))]
    # the escape directive after a BOM still counts
    assert shape("\ufeff# escape=`\r\nFROM x\r\nRUN a `\r\n b\r\n")[1] == ("RUN", 3, 4, ("a  b",))


def test_crlf_is_a_newline_but_lone_cr_is_not() -> None:
    assert shape("FROM x\r\nRUN a \\\r\n  b\r\n")[1] == ("RUN", 2, 3, ("a   b",))
    assert shape("FROM x\rRUN a\r") == [("FROM", 1, 1, ("x", "RUN", "a"))]
    assert only("FROM x\nRUN a\rb\n").value == ("a\rb",)


def test_mixed_newlines() -> None:
    assert shape("FROM x\r\nRUN a \\\n  b\r\n")[1] == ("RUN", 2, 3, ("a   b",))


@pytest.mark.parametrize("text", ["", "# only a comment\n\n", "   \n\t\n"])
def test_no_instruction_is_an_error(text: str) -> None:
    assert buildkit(text) == OracleError("file with no instructions")


def test_line_too_long() -> None:
    assert buildkit("FROM x\nRUN " + "a" * 70000 + "\n") == OracleError(
        "dockerfile line greater than max allowed size of 65535"
    )


def test_no_from_is_accepted() -> None:
    assert shape("RUN a\n") == [("RUN", 1, 1, ("a",))]


def test_leading_indent_and_blank_lines_are_skipped() -> None:
    assert shape("   FROM x\n   \n\t\n\tRUN a\n") == [("FROM", 1, 1, ("x",)), ("RUN", 4, 4, ("a",))]


# --- BuildKit: directives -----------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "# escape=`\n",
        "#  ESCAPE = `\n",
        "  # escape=`\n",
        "# syntax=docker/dockerfile:1\n# escape=`\n",
    ],
)
def test_escape_directive_is_honoured(header: str) -> None:
    offset = header.count("\n")
    assert shape(header + "FROM x\nRUN a `\n b\n")[1] == ("RUN", offset + 2, offset + 3, ("a  b",))


@pytest.mark.parametrize(
    "header",
    [
        "\n# escape=`\n",  # a blank line ends the directive block
        "# hi\n# escape=`\n",  # so does an ordinary comment
        "# foo=bar\n# escape=`\n",  # or an unknown directive
        "# syntax=docker/dockerfile:1\n# check=skip=all\n# escape=`\n",  # check is unknown in v0.12.5
    ],
)
def test_escape_directive_is_ignored_after_a_non_directive(header: str) -> None:
    result = shape(header + "FROM x\nRUN a `\n b\n")
    assert [r[0] for r in result] == ["FROM", "RUN", "B"]
    assert result[1][3] == ("a `",)


def test_escape_directive_after_an_instruction_is_a_comment() -> None:
    assert [r[0] for r in shape("FROM x\n# escape=`\nRUN a `\n b\n")] == ["FROM", "RUN", "B"]
    assert shape("# escape=`\nFROM x\n# escape=`\n") == [("FROM", 2, 2, ("x",))]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("# escape=x\nFROM x\n", "invalid escape token 'x' does not match ` or \\"),
        ("# escape=`\n# escape=\\\nFROM x\n", "only one escape parser directive can be used"),
        ("# syntax=a\n# syntax=b\nFROM x\n", "only one syntax parser directive can be used"),
    ],
)
def test_directive_errors(text: str, message: str) -> None:
    assert buildkit(text) == OracleError(message)


def test_shebang_is_a_comment() -> None:
    assert shape("#!/usr/bin/env docker\nFROM x\n") == [("FROM", 2, 2, ("x",))]


# --- BuildKit: continuations ----------------------------------------------------------


def test_comment_lines_inside_a_continuation_are_dropped_but_counted() -> None:
    assert only("FROM x\nRUN a \\\n# c\n  # d\n  b\n").value == ("a   b",)
    assert only("FROM x\nRUN a \\\n# c\n  # d\n  b\n").end_line == 5


def test_empty_continuation_lines_are_skipped() -> None:
    instr = only("FROM x\nRUN a \\\n\n   \n  b\n")
    assert (instr.value, instr.end_line) == (("a   b",), 5)
    # ... even when the next line is another instruction
    assert shape("FROM x\nRUN a \\\n\nRUN b\n")[1] == ("RUN", 2, 4, ("a RUN b",))


@pytest.mark.parametrize("text", ["FROM x\nRUN a \\", "FROM x\nRUN a \\\n"])
def test_continuation_at_eof_ends_the_instruction(text: str) -> None:
    instr = only(text)
    assert (instr.value, instr.original, instr.end_line) == (("a",), "RUN a ", 2)


def test_continuation_followed_only_by_comment_or_blank() -> None:
    assert shape("FROM x\nRUN a \\\n# c\n")[1] == ("RUN", 2, 3, ("a",))
    assert shape("FROM x\nRUN a \\\n\n")[1] == ("RUN", 2, 3, ("a",))


def test_trailing_blanks_after_escape_still_continue() -> None:
    assert only("FROM x\nRUN a \\  \t\n b\n").value == ("a  b",)
    assert only("FROM x\nRUN a \\\r\r\n b\n").value == ("a  b",)


def test_escaped_escape_does_not_continue() -> None:
    assert shape("FROM x\nRUN a \\\\\nRUN b\n")[1:] == [("RUN", 2, 2, ("a \\\\",)), ("RUN", 3, 3, ("b",))]


def test_line_with_only_the_escape_char() -> None:
    assert shape("FROM x\nRUN a \\\n\\\n b\n")[1] == ("RUN", 2, 4, ("a  b",))


@pytest.mark.parametrize("text", ["FROM x\n\\", "FROM x\n  \\  \n# c\n"])
def test_lone_escape_line_at_eof_is_a_nameless_instruction(text: str) -> None:
    instr = only(text)
    assert (instr.keyword, instr.value, instr.original, instr.start_line) == ("", ("",), "", 2)


def test_lone_escape_line_before_an_instruction_joins_it() -> None:
    assert shape("FROM x\n\\\nRUN a\n")[1] == ("RUN", 2, 3, ("a",))


def test_windows_path_under_default_escape_continues() -> None:
    assert shape("FROM x\nWORKDIR C:\\\nRUN a\n")[1] == ("WORKDIR", 2, 3, ("C:RUN a",))
    assert shape("# escape=`\nFROM x\nWORKDIR C:\\\nRUN a\n")[2] == ("RUN", 4, 4, ("a",))


def test_backslash_is_literal_under_backtick_escape() -> None:
    assert only("# escape=`\nFROM x\nRUN dir c:\\ `\n && echo\n").value == ("dir c:\\  && echo",)


# --- BuildKit: keywords and values ------------------------------------------------------


def test_keyword_case_is_kept_by_the_package_and_normalized_by_us() -> None:
    import dockerfile

    assert dockerfile.parse_string("from x\n")[0].cmd == "from"
    assert buildkit("from x\n")[0].keyword == "FROM"  # type: ignore[index]


@pytest.mark.parametrize(
    "line", ["FOO bar baz", "FOO", "RÜN a", "FROM\u00a0x"], ids=["args", "bare", "unicode", "nbsp"]
)
def test_unknown_instruction_is_accepted_with_empty_word(line: str) -> None:
    result = buildkit(line + "\n")
    assert not isinstance(result, OracleError)
    assert [(i.keyword, i.value) for i in result] == [(line.split(" ")[0].upper(), ("",))]


@pytest.mark.parametrize("keyword", ["RUN", "CMD", "ARG", "HEALTHCHECK", "MAINTAINER", "ONBUILD"])
def test_instruction_without_arguments_is_accepted(keyword: str) -> None:
    assert only(f"FROM x\n{keyword}\n").value == ()
    assert shape("FROM\n") == [("FROM", 1, 1, ())]


def test_hash_after_keyword_is_not_a_comment() -> None:
    assert shape("FROM x # y z\n")[0][3] == ("x", "#", "y", "z")


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("RUN\techo\t a  ", ("echo\t a",)),
        ("EXPOSE 80/tcp 443", ("80/tcp", "443")),
        ("VOLUME /a /b", ("/a", "/b")),
        ("USER a b", ("a b",)),
        ("WORKDIR  /a b  ", ("/a b",)),
        ("MAINTAINER a b <c>", ("a b <c>",)),
        ("STOPSIGNAL SIGKILL", ("SIGKILL",)),
        ('ENV A=1 B="2 3"', ("A", "1", "B", '"2 3"')),
        ('ENV A=\'b c\' D="e\\"f" G=h\\ i', ("A", "'b c'", "D", '"e\\"f"', "G", "h\\ i")),
        ("ENV C 4 5", ("C", "4 5")),
        ("ENV A=", ("A", "")),
        ('LABEL a=b "c d"=e', ("a", "b", '"c d"', "e")),
        ("LABEL a b c", ("a", "b c")),
        ("ARG A=1 B", ("A=1", "B")),
        ("COPY a b", ("a", "b")),
        ("SHELL powershell", ("powershell",)),
        ("HEALTHCHECK CMD curl -f http://x || exit 1", ("CMD", "curl -f http://x || exit 1")),
        ("HEALTHCHECK NONE", ("NONE",)),
        ("HEALTHCHECK FOO", ("FOO",)),
        ("HEALTHCHECK CMD", ("CMD",)),
    ],
)
def test_value_shapes(line: str, value: tuple[str, ...]) -> None:
    instr = only(f"FROM x\n{line}\n")
    assert (instr.value, instr.json) == (value, False)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("ENV A", "ENV must have two arguments"),
        ("LABEL a", "LABEL must have two arguments"),
        ("ENV A=1 B", 'Syntax error - can\'t find = in "B". Must be of the form: name=value'),
    ],
)
def test_value_errors(line: str, message: str) -> None:
    assert buildkit(f"FROM x\n{line}\n") == OracleError(message)


def test_env_continuation() -> None:
    instr = only("FROM x\nENV A=1 \\\n    B=2\n")
    assert (instr.value, instr.end_line) == (("A", "1", "B", "2"), 3)


# --- BuildKit: flags ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "flags", "value"),
    [
        (
            "COPY --from=build --chown=1:1 --chmod=755 --link /a /b",
            ("--from=build", "--chown=1:1", "--chmod=755", "--link"),
            ("/a", "/b"),
        ),
        ('RUN --mount="type=cache,target=/a b" echo', ("--mount=type=cache,target=/a b",), ("echo",)),
        ("RUN --mount=type\\=cache echo", ("--mount=type=cache",), ("echo",)),
        ("RUN --network=none", ("--network=none",), ()),
        ("RUN -- y", (), ("y",)),
        ("RUN --=x y", ("--=x",), ("y",)),
        ("COPY --chown=a -- --b c", ("--chown=a",), ("--b", "c")),
        ("HEALTHCHECK --interval=5s --retries=3 CMD true", ("--interval=5s", "--retries=3"), ("CMD", "true")),
        ("HEALTHCHECK --interval=1s NONE", ("--interval=1s",), ("NONE",)),
    ],
)
def test_flags(line: str, flags: tuple[str, ...], value: tuple[str, ...]) -> None:
    instr = only(f"FROM x\n{line}\n")
    assert (instr.flags, instr.value) == (flags, value)


@pytest.mark.parametrize(
    ("line", "flags", "value"),
    [
        ("COPY --chown=\u2026 a b", ("--chown=\u00e2\x80\u00a6",), ("a", "b")),
        ("COPY --chown=\u00c5x a b", ("--chown=\u00c3",), ("x", "a", "b")),
        ("RUN --mount=a\u00a0b c", ("--mount=a\u00c2",), ("b c",)),
    ],
)
def test_non_ascii_flags_are_read_byte_by_byte(line: str, flags: tuple[str, ...], value: tuple[str, ...]) -> None:
    instr = only(f"FROM x\n{line}\n")
    assert (instr.flags, instr.value) == (flags, value)


def test_healthcheck_split_inside_utf8_is_unsupported() -> None:
    import dockerfile

    with pytest.raises(UnicodeDecodeError):
        dockerfile.parse_string("FROM x\nHEALTHCHECK cmd\u00a0 a\n")
    result = buildkit("FROM x\nHEALTHCHECK cmd\u00a0 a\n")
    assert isinstance(result, OracleError) and result.unsupported


def test_from_flags() -> None:
    instr = buildkit("FROM --platform=$BUILDPLATFORM golang:1 AS build\n")[0]  # type: ignore[index]
    assert (instr.flags, instr.value) == (("--platform=$BUILDPLATFORM",), ("golang:1", "AS", "build"))


def test_flags_use_backslash_even_under_backtick_escape() -> None:
    instr = buildkit("# escape=`\nFROM x\nRUN --mount=a\\ b c\n")[1]  # type: ignore[index]
    assert (instr.flags, instr.value) == (("--mount=a b",), ("c",))


# --- BuildKit: JSON form --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ('CMD ["a", "b"]', ("a", "b")),
        ('CMD   [ "a" , "b" ]   ', ("a", "b")),
        ("CMD []", ()),
        ('CMD ["\\u00e9", "\\ud83d\\ude00"]', ("é", "😀")),
        ('CMD ["a\\"b", "c\\\\d", "\\t"]', ('a"b', "c\\d", "\t")),
        ('CMD ["a"] foo', ("a",)),  # trailing text ignored in v0.12.5
        ('COPY ["a b", "c"]', ("a b", "c")),
        ('VOLUME ["/a"]', ("/a",)),
        ('SHELL ["powershell", "-Command"]', ("powershell", "-Command")),
        ('HEALTHCHECK CMD ["curl", "x"]', ("CMD", "curl", "x")),
    ],
)
def test_json_form(line: str, value: tuple[str, ...]) -> None:
    instr = only(f"FROM x\n{line}\n")
    assert (instr.value, instr.json) == (value, True)


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ('CMD ["a", ', ('["a",',)),
        ("CMD ['a']", ("['a']",)),
        ('EXPOSE ["80"]', ('["80"]',)),
    ],
)
def test_invalid_json_falls_back_to_shell_form(line: str, value: tuple[str, ...]) -> None:
    instr = only(f"FROM x\n{line}\n")
    assert (instr.value, instr.json) == (value, False)


@pytest.mark.parametrize("array", ["[1, 2]", "[null]", '[["a"]]'])
def test_non_string_json_array_is_an_error(array: str) -> None:
    assert buildkit(f"FROM x\nCMD {array}\n") == OracleError(
        "when using JSON array syntax, arrays must be comprised of strings only"
    )


def test_json_across_continuations() -> None:
    instr = only('FROM x\nCMD ["a", \\\n  "b"]\n')
    assert (instr.value, instr.json, instr.end_line) == (("a", "b"), True, 3)
    instr = buildkit('# escape=`\nFROM x\nRUN ["a", `\n "b"]\n')[1]  # type: ignore[index]
    assert (instr.value, instr.json) == (("a", "b"), True)


def test_exec_form_with_flags() -> None:
    instr = only('FROM x\nRUN --mount=type=cache,target=/root/.cache ["pip", "install"]\n')
    assert (instr.flags, instr.value, instr.json) == (
        ("--mount=type=cache,target=/root/.cache",),
        ("pip", "install"),
        True,
    )


# --- BuildKit: ONBUILD -------------------------------------------------------------------------


def test_onbuild_reports_sub_command_and_loses_its_flags() -> None:
    instr = only("FROM x\nonbuild run --mount=type=cache,target=/x echo hi\n")
    assert (instr.keyword, instr.sub_cmd, instr.flags, instr.value) == ("ONBUILD", "RUN", (), ("echo hi",))


@pytest.mark.parametrize(
    ("line", "sub", "value", "is_json", "flags"),
    [
        ('ONBUILD CMD ["a"]', "CMD", ("a",), True, ()),
        ("ONBUILD", None, (), False, ()),
        ("ONBUILD ONBUILD RUN a", "ONBUILD", ("",), False, ()),
        ("ONBUILD FROM y", "FROM", ("y",), False, ()),
        ("ONBUILD FOO bar", "FOO", ("",), False, ()),
        ("ONBUILD HEALTHCHECK --interval=1s CMD a", "HEALTHCHECK", ("CMD", "a"), False, ()),
        ("ONBUILD ENV A=1", "ENV", ("A", "1"), False, ()),
        ("ONBUILD --foo RUN a", "RUN", ("a",), False, ("--foo",)),
    ],
)
def test_onbuild_variants(
    line: str, sub: str | None, value: tuple[str, ...], is_json: bool, flags: tuple[str, ...]
) -> None:
    instr = only(f"FROM x\n{line}\n")
    assert (instr.sub_cmd, instr.value, instr.json, instr.flags) == (sub, value, is_json, flags)


def test_onbuild_heredoc_is_consumed_but_not_reported() -> None:
    result = shape("FROM x\nONBUILD COPY <<EOF /a\nhi\nEOF\nRUN z\n")
    assert result[1:] == [("ONBUILD", 2, 4, ("<<EOF", "/a")), ("RUN", 5, 5, ("z",))]
    assert only("FROM x\nONBUILD RUN <<EOF\necho\nEOF\n").heredocs == ()


# --- BuildKit: heredocs -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "value", "heredocs", "end_line"),
    [
        ("RUN <<EOF\necho a\nEOF\n", ("<<EOF",), (("EOF", "echo a\n"),), 4),
        ("RUN <<-EOF\n\techo a\n\tEOF\n", ("<<-EOF",), (("EOF", "\techo a\n"),), 4),
        ("RUN <<'EOF'\necho $a\nEOF\n", ("<<'EOF'",), (("EOF", "echo $a\n"),), 4),
        ('RUN <<"EOF"\necho $a\nEOF\n', ('<<"EOF"',), (("EOF", "echo $a\n"),), 4),
        ('RUN <<E"O"F\n$x\nEOF\n', ('<<E"O"F',), (("EOF", "$x\n"),), 4),
        ("RUN <<\\EOF\n$x\nEOF\n", ("<<\\EOF",), (("EOF", "$x\n"),), 4),
        ("RUN <<A cat - && cat <<B\na\nA\nb\nB\n", ("<<A cat - && cat <<B",), (("A", "a\n"), ("B", "b\n")), 6),
        ("COPY <<EOF /dst\nhello\nEOF\n", ("<<EOF", "/dst"), (("EOF", "hello\n"),), 4),
        ("ADD <<a <<b /dst/\nA\na\nB\nb\n", ("<<a", "<<b", "/dst/"), (("a", "A\n"), ("b", "B\n")), 6),
        ("RUN 3<<EOF cat /dev/fd/3\nhi\nEOF\n", ("3<<EOF cat /dev/fd/3",), (("EOF", "hi\n"),), 4),
        ("RUN cat <<EOF;\nhi\nEOF;\n", ("cat <<EOF;",), (("EOF;", "hi\n"),), 4),
        ("RUN <<$X\nhi\n$X\n", ("<<$X",), (("$X", "hi\n"),), 4),
        ("RUN <<EOF\nEOF\n", ("<<EOF",), (("EOF", ""),), 3),
        ("RUN <<EOF\nhi\nEOF", ("<<EOF",), (("EOF", "hi\n"),), 4),
        ("RUN <<EOF\nhi\nEOF \nEOF\n", ("<<EOF",), (("EOF", "hi\nEOF \n"),), 5),
        ("RUN <<-EOF\n\thi\n  EOF\nEOF\n", ("<<-EOF",), (("EOF", "\thi\n  EOF\n"),), 5),
        ("RUN <<EOF \\\n  cat\nhi\nEOF\n", ("<<EOF   cat",), (("EOF", "hi\n"),), 5),
    ],
)
def test_heredocs(lines: str, value: tuple[str, ...], heredocs: tuple[tuple[str, str], ...], end_line: int) -> None:
    instr = only("FROM x\n" + lines)
    assert (instr.value, instr.heredocs, instr.start_line, instr.end_line) == (value, heredocs, 2, end_line)


def test_heredoc_crlf_content_is_kept_and_crlf_terminator_matches() -> None:
    instr = only("FROM x\r\nRUN <<EOF\r\necho a\r\nEOF\r\n")
    assert instr.heredocs == (("EOF", "echo a\r\n"),)
    assert instr.original == "RUN <<EOF\necho a\r\nEOF\n"  # rebuilt by the package, not the source


@pytest.mark.parametrize(
    ("marker", "terminator", "name"),
    [
        ("<<\ufeffEOF", "EOF", "EOF"),
        ("<<E\ufeffOF", "E\ufeffOF", "E\ufeffOF"),
        ("<<'\ufeffEOF'", "\ufeffEOF", "\ufeffEOF"),
    ],
)
def test_heredoc_name_drops_only_a_leading_bom(marker: str, terminator: str, name: str) -> None:
    assert only(f"FROM x\nRUN {marker}\nhi\n{terminator}\n").heredocs == ((name, "hi\n"),)
    if terminator != "EOF":
        assert buildkit(f"FROM x\nRUN {marker}\nhi\nEOF\n") == OracleError("unterminated heredoc")


def test_heredoc_word_lexing_uses_backslash_under_backtick_escape() -> None:
    instr = buildkit("# escape=`\nFROM x\nRUN <<E\\ OF\nhi\nE OF\n")[1]  # type: ignore[index]
    assert instr.heredocs == (("E OF", "hi\n"),)


@pytest.mark.parametrize(
    "lines",
    [
        "RUN cat<<EOF\nhi\nEOF\n",  # glued to the previous word
        "RUN << EOF\nhi\nEOF\n",  # blank after <<
        "CMD <<EOF\nhi\nEOF\n",  # CMD takes no heredoc
        'RUN ["<<EOF"]\nhi\nEOF\n',  # JSON form takes no heredoc
        "RUN <<EOF<<\nhi\nEOF<<\n",
        'RUN <<"EOF\nhi\nEOF\n',  # unbalanced quote
    ],
)
def test_not_a_heredoc_body_lines_become_instructions(lines: str) -> None:
    result = shape("FROM x\n" + lines)
    assert [r[0] for r in result[2:]] == ["HI", "EOF" + ("<<" if "EOF<<" in lines else "")]
    assert result[2][3] == ("",)


@pytest.mark.parametrize("lines", ["RUN \\<<EOF\nRUN b\n", "RUN echo '<<EOF'\nRUN b\n"])
def test_escaped_or_quoted_heredoc_marker(lines: str) -> None:
    assert [r[0] for r in shape("FROM x\n" + lines)] == ["FROM", "RUN", "RUN"]


@pytest.mark.parametrize("lines", ["RUN <<EOF\necho a\n", "RUN <<E\\\nOF\nOF\n"])
def test_unterminated_heredoc(lines: str) -> None:
    assert buildkit("FROM x\n" + lines) == OracleError("unterminated heredoc")


def test_heredoc_on_from_is_a_word() -> None:
    assert shape("FROM x <<EOF\nRUN a\n") == [("FROM", 1, 1, ("x", "<<EOF")), ("RUN", 2, 2, ("a",))]


# --- BuildKit: text the package cannot take --------------------------------------------------------


def test_nul_is_refused_not_truncated() -> None:
    import dockerfile

    # the raw package silently stops at the NUL: "RUN c" is lost
    assert [c.cmd for c in dockerfile.parse_string("FROM x\nRUN a\x00b\nRUN c\n")] == ["FROM", "RUN"]
    result = buildkit("FROM x\nRUN a\x00b\nRUN c\n")
    assert isinstance(result, OracleError) and result.unsupported


def test_lone_surrogate_is_refused_in_process_and_crashes_the_raw_package() -> None:
    result = buildkit("FROM x\nRUN \udc80\n")
    assert isinstance(result, OracleError) and result.unsupported
    crash = subprocess.run(
        [sys.executable, "-c", "import dockerfile; dockerfile.parse_string('FROM x\\udc80')"],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert crash.returncode != 0
    assert b"SIGSEGV" in crash.stderr


def test_errors_are_go_parse_errors_without_line_numbers() -> None:
    import dockerfile

    with pytest.raises(dockerfile.GoParseError) as info:
        dockerfile.parse_string("FROM x\nRUN a\nRUN <<EOF\n")
    assert isinstance(info.value, ValueError)
    assert str(info.value) == "unterminated heredoc"
    assert buildkit_accepts("FROM x\n") and not buildkit_accepts("")


# --- dockerfile_parse ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "boundaries"),
    [
        ("FROM x\nRUN a \\\n  b\n", [("FROM", 1, 1), ("RUN", 2, 3)]),
        ("\ufeffFROM x\n", [("\ufeffFROM", 1, 1)]),
        ("FROM x\nRUN\n", [("FROM", 1, 1), ("RUN", 2, 2)]),
        ("FROM x\nRUN", [("FROM", 1, 1)]),
        ("FROM x\nRUN a \\\n\n  b\n", [("FROM", 1, 1), ("RUN", 2, 3), ("B", 4, 4)]),
        ("FROM x\nRUN a \\\n# c\n b\n", [("FROM", 1, 1), ("RUN", 2, 4)]),
        ("FROM x\nRUN <<EOF\necho\nEOF\n", [("FROM", 1, 1), ("RUN", 2, 2), ("ECHO", 3, 3), ("EOF", 4, 4)]),
        ("# escape=`\nFROM x\nRUN a `\n b\n", [("FROM", 2, 2), ("RUN", 3, 4)]),
        ("\ufeff# escape=`\nFROM x\nRUN a `\n b\n", [("\ufeff#", 1, 1), ("FROM", 2, 2), ("RUN", 3, 3), ("B", 4, 4)]),
        (
            "# syntax=a\n# check=skip=all\n# escape=`\nFROM x\nRUN a `\n b\n",
            [("FROM", 4, 4), ("RUN", 5, 5), ("B", 6, 6)],
        ),
        ("# escape=x\nFROM x\n", [("FROM", 2, 2)]),
        ("FROM x\r\nRUN a \\\r\n b\r\n", [("FROM", 1, 1), ("RUN", 2, 3)]),
        ("FROM x\rRUN a\r", [("FROM", 1, 1)]),
        ("FROM x\nRUN a \\\\\nRUN b\n", [("FROM", 1, 1), ("RUN", 2, 3)]),
        ("FROM x\nRUN a \\", [("FROM", 1, 1)]),
        ("FROM x\nRUN a \\\nRUN b \\\n", [("FROM", 1, 1)]),
        ("", []),
        ("from x\nfoo bar\nonbuild run a\n", [("FROM", 1, 1), ("FOO", 2, 2), ("ONBUILD", 3, 3)]),
        ("  FROM x\n\tRUN a\n", [("FROM", 1, 1), ("RUN", 2, 2)]),
        ("FROM x\nRUN a\x00b\n", [("FROM", 1, 1), ("RUN", 2, 2)]),
    ],
)
def test_dockerfile_parse_boundaries(text: str, boundaries: list[tuple[str, int, int]]) -> None:
    assert dockerfile_parse_boundaries(text) == boundaries


def test_dockerfile_parse_refuses_unencodable_text() -> None:
    assert dockerfile_parse_boundaries("FROM x\nRUN \udc80\n") is None


# --- strategies -------------------------------------------------------------------------------------------

_SAMPLE = settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck))
_PROBES = {
    "bom": lambda t: t.startswith("\ufeff"),
    "crlf": lambda t: "\r\n" in t,
    "backtick": lambda t: "escape=`" in t,
    "heredoc": lambda t: "<<" in t,
    "chomp": lambda t: "<<-" in t,
    "onbuild": lambda t: "onbuild" in t.lower(),
    "inner_comment": lambda t: "\\\n#" in t or "\\\n  #" in t or "`\n#" in t,
    "no_final_newline": lambda t: not t.endswith("\n"),
    "json": lambda t: '["' in t,
}


def test_generated_dockerfiles_are_small_varied_and_mostly_accepted() -> None:
    accepted: list[bool] = []
    seen: set[str] = set()

    @_SAMPLE
    @given(dockerfiles())
    def collect(text: str) -> None:
        assert len(text) < 8000
        accepted.append(buildkit_accepts(text))
        seen.update(name for name, probe in _PROBES.items() if probe(text))

    collect()
    assert len(accepted) >= 100
    assert sum(accepted) / len(accepted) >= 0.8
    assert seen == set(_PROBES)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(noisy_dockerfiles())
def test_oracles_never_raise_on_noise(text: str) -> None:
    result = buildkit(text)
    assert isinstance(result, (list, OracleError))
    boundaries = dockerfile_parse_boundaries(text)
    assert boundaries is None or isinstance(boundaries, list)


# --- bench/gen_corpus.py ------------------------------------------------------------------------------------


def _generate(out: Path, *args: str) -> dict[str, bytes]:
    subprocess.run([sys.executable, str(GEN_CORPUS), "--out", str(out), *args], check=True, timeout=120)
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_gen_corpus_is_deterministic_and_seed_dependent(tmp_path: Path) -> None:
    first = _generate(tmp_path / "a", "--count", "40", "--seed", "7")
    second = _generate(tmp_path / "b", "--count", "40", "--seed", "7")
    other = _generate(tmp_path / "c", "--count", "40", "--seed", "8")
    assert len(first) == 40
    assert first == second
    assert first != other


def test_gen_corpus_files_are_varied_and_parse(tmp_path: Path) -> None:
    files = _generate(tmp_path, "--count", "120")
    texts = [data.decode("utf-8") for data in files.values()]
    lines = [t.count("\n") for t in texts]
    assert min(lines) >= 4 and max(lines) <= 400
    assert any("\r\n" in t for t in texts)
    assert any("# escape=`" in t for t in texts)
    assert any("<<" in t for t in texts)
    assert any("ONBUILD" in t for t in texts)
    accepted = [buildkit_accepts(t) for t in texts]
    assert all(accepted), [name for name, ok in zip(files, accepted) if not ok]


# --- scripts/collect_corpus.py and the real-world corpus --------------------------------------------------

COLLECT = ROOT / "scripts" / "collect_corpus.py"
REAL_CORPUS = Path(os.environ.get("SLIMFIX_REAL_CORPUS", "/work/corpus/real"))


def _git(repo: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


def test_collect_corpus_takes_dockerfile_like_files_from_head(tmp_path: Path) -> None:
    repo = tmp_path / "mirror" / "acme+images" / "work"
    (repo / "sub").mkdir(parents=True)
    files = {
        "Dockerfile": b"FROM a\r\n",
        "sub/Dockerfile.alpine": b"FROM b\n",
        "sub/app.Dockerfile": b"FROM c\n",
        "Containerfile": b"FROM d\n",
        "tests/Dockerfile_test_add": b"FROM e\n",
        "dockerfile": b"FROM f\n",
        "Dockerfile.dockerignore": b"*\n",
        ".dockerignore": b"*\n",
        "README.md": b"# x\n",
        "Dockerfile.md": b"# x\n",
        "Dockerfile.bin": b"FROM x\0\n",
        "Dockerfile.big": b"#" * 1_000_001,
    }
    for name, data in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_bytes(data)
    (repo / "Dockerfile.link").symlink_to("Dockerfile")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "init")
    (repo / "Dockerfile.later").write_bytes(b"FROM later\n")  # not committed: not at HEAD
    out = tmp_path / "corpus"
    subprocess.run(
        [sys.executable, str(COLLECT), str(repo / ".git"), "--out", str(out)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    got = {p.name: p.read_bytes() for p in (out / "acme+images").iterdir()}
    assert got == {
        "Dockerfile": b"FROM a\r\n",
        "sub__Dockerfile.alpine": b"FROM b\n",
        "sub__app.Dockerfile": b"FROM c\n",
        "Containerfile": b"FROM d\n",
        "tests__Dockerfile_test_add": b"FROM e\n",
        "dockerfile": b"FROM f\n",
    }
    manifest = (out / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
    assert manifest[0] == "repo\tcommit\tpath\tblob\tsize"
    assert sorted(line.split("\t")[2] for line in manifest[1:]) == sorted(
        [
            "Dockerfile",
            "sub/Dockerfile.alpine",
            "sub/app.Dockerfile",
            "Containerfile",
            "tests/Dockerfile_test_add",
            "dockerfile",
        ]
    )


def test_collect_corpus_refuses_an_output_inside_the_repository(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, str(COLLECT), str(tmp_path), "--out", str(ROOT / "corpus")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 2
    assert "inside the repository" in run.stderr
    assert not (ROOT / "corpus").exists()


@pytest.mark.skipif(not REAL_CORPUS.is_dir(), reason=f"no real-world corpus at {REAL_CORPUS}")
def test_real_corpus_is_large_and_mostly_accepted_by_buildkit() -> None:
    paths = sorted(REAL_CORPUS.glob("*/*"))
    accepted = sum(buildkit_accepts(p.read_bytes().decode("utf-8")) for p in paths)
    assert len(paths) >= 3000
    assert accepted / len(paths) >= 0.99
