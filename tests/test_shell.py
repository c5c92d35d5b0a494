"""The shell-word view: commands, words, operators and offsets back into the source."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from slimfix import parse, parse_instruction
from slimfix.shell import append_command, apply_edits, insert_after_word, script


def run_of(text: str, index: int = -1):
    df = parse(text)
    instr = df.instructions[index]
    return instr, script(instr)


def test_simple_commands_and_operators() -> None:
    instr, scr = run_of("FROM a\nRUN apt-get update && apt-get install -y curl || true; echo done | tee log &\n")
    assert [c.program for c in scr.commands] == ["apt-get", "apt-get", "true", "echo", "tee"]
    assert [c.op_before for c in scr.commands] == [None, "&&", "||", ";", "|"]
    assert scr.commands[1].args == ("apt-get", "install", "-y", "curl")
    assert scr.commands[1].is_("apt-get", "install") and not scr.commands[0].is_("apt-get", "install")
    assert scr.understood


def test_words_map_back_to_their_bytes() -> None:
    instr, scr = run_of('FROM a\nRUN pip install "flask==3.*" \\\n    \'gunicorn\' $EXTRA\n')
    text = instr.text
    words = scr.commands[0].argv
    assert [text[w.start : w.end] for w in words] == ["pip", "install", '"flask==3.*"', "'gunicorn'", "$EXTRA"]
    assert [w.value for w in words] == ["pip", "install", "flask==3.*", "gunicorn", None]


def test_continuations_and_inner_comments_keep_offsets() -> None:
    src = "FROM a\nRUN apt-get update \\\n    # refresh first\n    && apt-get install -y \\\n        gcc\n"
    instr, scr = run_of(src)
    gcc = scr.commands[1].argv[-1]
    assert instr.text[gcc.start : gcc.end] == "gcc"
    assert "# refresh first" not in " ".join(scr.commands[1].args)


def test_backtick_escape_file_offsets() -> None:
    instr, scr = run_of("# escape=`\nFROM a\nRUN echo one `\n  && echo two\n")
    two = scr.commands[1].argv[1]
    assert instr.text[two.start : two.end] == "two"


def test_wrappers_and_assignments() -> None:
    _, scr = run_of(
        "FROM a\nRUN set -eux; DEBIAN_FRONTEND=noninteractive sudo -u root env -i A=1 apt-get install -y x\n"
    )
    set_cmd, apt = scr.commands
    assert set_cmd.program == "set"
    assert apt.program == "apt-get" and apt.assignments == {"DEBIAN_FRONTEND": "noninteractive", "A": "1"}
    assert apt.has_flag("-y") and apt.subcommand() == "install"


def test_combined_short_flags() -> None:
    _, scr = run_of("FROM a\nRUN apt-get -qqy install x\n")
    assert scr.commands[0].has_flag("-y") and scr.commands[0].has_flag("-q")
    assert not scr.commands[0].has_flag("-f")


def test_compound_commands_have_depth() -> None:
    _, scr = run_of("FROM a\nRUN if [ -f x ]; then pip install y; fi && (cd /tmp && make)\n")
    by = {c.program: c.depth for c in scr.commands}
    assert by["pip"] == 1 and by["make"] == 1 and by["["] == 1
    assert "fi" not in by and "then" not in by


def test_redirects_are_not_arguments() -> None:
    _, scr = run_of("FROM a\nRUN echo hi > /etc/x 2>&1\n")
    (cmd,) = scr.commands
    assert cmd.args == ("echo", "hi") and [r.raw for r in cmd.redirects] == ["> /etc/x", "2>&1"]


@pytest.mark.parametrize(
    ("src", "reason"),
    [
        ("FROM a\nRUN echo hi # a shell comment\n", "a shell comment"),
        ("FROM a\nRUN sh -c 'apt-get install -y x'\n", "a command run by sh -c"),
        ("FROM a\nRUN case $x in a) echo;; esac\n", "case"),
        ("FROM a\nRUN <<EOF\napt-get update\nEOF\n", "a here-document"),
        ('FROM a\nRUN echo "unterminated\n', "an unterminated double quote"),
        ("FROM a\nRUN echo $(date\n", "an unterminated $("),
    ],
)
def test_reports_what_it_does_not_understand(src: str, reason: str) -> None:
    _, scr = run_of(src)
    assert any(reason in r for r in scr.opaque), scr.opaque


def test_no_view_for_exec_form_and_other_instructions() -> None:
    df = parse('FROM a\nRUN ["apt-get", "update"]\nCOPY . /app\nCMD ["x"]\n')
    assert [script(i) for i in df.instructions] == [None, None, None, None]


def test_onbuild_run_and_shell_form_cmd() -> None:
    instr, scr = run_of("FROM a\nONBUILD RUN pip install -r requirements.txt\n")
    assert scr.commands[0].is_("pip", "install")
    word = scr.commands[0].argv[1]
    assert instr.text[word.start : word.end] == "install"
    _, scr = run_of("FROM a\nCMD uvicorn main:app --reload\n")
    assert scr.commands[0].program == "uvicorn"


def test_insert_after_word_keeps_everything_else() -> None:
    instr, scr = run_of("FROM a\nRUN  pip   install  -r req.txt\n")
    install = scr.commands[0].argv[1]
    out = apply_edits(instr.text, [insert_after_word(install, "--no-cache-dir")])
    assert out == "RUN  pip   install --no-cache-dir  -r req.txt\n"


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("RUN apt-get update && apt-get install -y x\n", "RUN apt-get update && apt-get install -y x && rm -rf L\n"),
        (
            "RUN apt-get update \\\n    && apt-get install -y x\n",
            "RUN apt-get update \\\n    && apt-get install -y x \\\n    && rm -rf L\n",
        ),
        (
            "RUN apt-get update && \\\n    apt-get install -y x\n",
            "RUN apt-get update && \\\n    apt-get install -y x && \\\n    rm -rf L\n",
        ),
        (
            "RUN apt-get update\\\n\t&& apt-get install -y x\r\n",
            "RUN apt-get update\\\n\t&& apt-get install -y x\\\n\t&& rm -rf L\r\n",
        ),
        (
            "RUN apt-get update \\\n  # inner\n  && apt-get install -y x \\\n  && apt-get clean\n",
            "RUN apt-get update \\\n  # inner\n  && apt-get install -y x \\\n  && apt-get clean \\\n  && rm -rf L\n",
        ),
    ],
)
def test_append_command_keeps_the_authors_layout(src: str, expected: str) -> None:
    df = parse("FROM a\n" + src)
    instr = df.instructions[-1]
    out = apply_edits(instr.text, [append_command(instr, script(instr), "rm -rf L", df.newline)])
    assert out == expected
    # the result is still one instruction that BuildKit reads as intended
    again = parse("FROM a\n" + out).instructions[-1]
    assert again.sem.value[0].endswith("rm -rf L")


def _has_flag_reference(args: tuple[str, ...], names: tuple[str, ...]) -> bool:
    """``Command.has_flag`` as first written: every name against every argument."""
    for a in args[1:]:
        for name in names:
            if a == name or (name.startswith("--") and a.startswith(name + "=")):
                return True
            if len(name) == 2 and name[0] == "-" and name[1] != "-" and a.startswith("-") and not a.startswith("--") and name[1] in a[1:]:
                return True
    return False


_FLAG_WORDS = st.sampled_from(["-", "--", "-y", "-q", "-yq", "-qq", "--yes", "--yes=1", "--no-cache", "--no-cache=x",
                               "--cache-dir", "--cache-dir=/c", "-n", "-xn", "install", "y", "-o", "--o=y", "=", "-=y"])


@given(st.lists(_FLAG_WORDS, min_size=1, max_size=6), st.lists(_FLAG_WORDS, min_size=1, max_size=4))
def test_has_flag_answers_as_the_reference(words: list[str], names: list[str]) -> None:
    cmd = script(parse_instruction("RUN prog " + " ".join(words) + "\n")).commands[0]
    assert cmd.has_flag(*names) == _has_flag_reference(cmd.args, tuple(names))
