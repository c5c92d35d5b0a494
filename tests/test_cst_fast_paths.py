"""The parser's fast paths give what the plain character-by-character readings give.

The references below are the straightforward transcriptions of BuildKit's loops the parser
used before it read runs of characters with regular expressions; each fast path is checked
against its reference on generated input.  Also: the lazily computed view, the paused cycle
collector, and the compact span table.
"""

from __future__ import annotations

import gc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slimfix import SlimfixSyntaxError, parse, parse_instruction
from slimfix.cst import Continuation, Heredoc, Instruction, Line
from slimfix.cst.lexer import LexError, heredoc_names, process_words
from slimfix.cst.semantics import _extract_flags, analyse, parse_words
from slimfix.cst.text import GO_SPACE, is_go_space
from strategies import dockerfiles, noisy_dockerfiles

SETTINGS = settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# the characters the readers treat specially, blanks of every kind, and plain ones
ALPHABET = list("ab=-<$'\"\\`{}:?#[]1 \t") + ["\x85", "\xa0", "\u2003", "é", "\n", "\r", "\ufeff"]
texts = st.text(alphabet=st.sampled_from(ALPHABET), max_size=40)
escapes = st.sampled_from(["\\", "`"])


def reference_parse_words(rest: str, escape: str) -> list[str]:
    words: list[str] = []
    word: list[str] = []
    in_word = in_quote = False
    quote = ""
    blank_ok = False
    i, n = 0, len(rest)
    while i < n:
        ch = rest[i]
        if not in_word and not in_quote:
            if is_go_space(ch):
                i += 1
                continue
            in_word = True
        if in_word:
            if is_go_space(ch):
                if blank_ok or word:
                    words.append("".join(word))
                word, blank_ok, in_word = [], False, False
                i += 1
                continue
            if ch in "'\"":
                quote, blank_ok, in_word, in_quote = ch, True, False, True
            if ch == escape:
                if i + 1 == n:
                    i += 1
                    continue
                word.append(ch)
                i += 1
                ch = rest[i]
            word.append(ch)
            i += 1
            continue
        if ch == quote:
            in_quote, in_word = False, True
        if ch == escape and quote != "'":
            if i + 1 == n:
                in_quote, in_word = False, True
                i += 1
                continue
            word.append(ch)
            i += 1
            ch = rest[i]
        word.append(ch)
        i += 1
    if (in_word or in_quote) and (blank_ok or word):
        words.append("".join(word))
    return words


@SETTINGS
@given(texts, escapes)
def test_parse_words_matches_the_reference(rest: str, escape: str) -> None:
    assert parse_words(rest, escape) == reference_parse_words(rest, escape)


def test_parse_words_examples() -> None:
    assert parse_words('a="b c" d\\ e \'f g\'', "\\") == ['a="b c"', "d\\ e", "'f g'"]
    assert parse_words("x\u2003y", "\\") == ["x", "y"]


def reference_process_words(src: str, raw_quotes: bool, raw_escapes: bool, escape: str) -> list[str]:
    """The original loop; ``$`` and quotes go through the shared helpers, which did not change."""
    from slimfix.cst.lexer import _dollar, _double_quote

    src = src.removeprefix("\ufeff")
    words: list[str] = []
    word: list[str] = []
    in_word = False
    i, n = 0, len(src)

    def add_char(ch: str) -> None:
        nonlocal in_word
        if is_go_space(ch):
            if in_word:
                words.append("".join(word))
                word.clear()
                in_word = False
        else:
            word.append(ch)
            in_word = True

    def add_raw(s: str) -> None:
        nonlocal in_word
        word.append(s)
        in_word = True

    while i < n:
        ch = src[i]
        if ch == "'":
            j = src.find("'", i + 1)
            if j == -1:
                raise LexError("unexpected end of statement while looking for matching single-quote")
            inner = src[i + 1 : j]
            add_raw(f"'{inner}'" if raw_quotes else inner)
            i = j + 1
        elif ch == '"':
            out, i = _double_quote(src, i + 1, raw_quotes, raw_escapes, True, escape)
            add_raw(out)
        elif ch == "$":
            out, i = _dollar(src, i + 1, True, escape)
            for c in out:
                add_char(c)
        else:
            i += 1
            if ch == escape:
                if raw_escapes:
                    add_raw(ch)
                if i >= n:
                    break
                add_raw(src[i])
                i += 1
            else:
                add_char(ch)
    if in_word:
        words.append("".join(word))
    return words


@SETTINGS
@given(texts, st.booleans(), st.booleans(), escapes)
def test_process_words_matches_the_reference(src: str, raw_quotes: bool, raw_escapes: bool, escape: str) -> None:
    def run(fn):
        try:
            return fn()
        except LexError as exc:
            return ("error", str(exc))

    ours = run(lambda: process_words(src, raw_quotes=raw_quotes, raw_escapes=raw_escapes, skip_unset=True, escape=escape))
    assert ours == run(lambda: reference_process_words(src, raw_quotes, raw_escapes, escape))


def test_heredoc_names_examples() -> None:
    assert heredoc_names("RUN <<EOF cat") == [("EOF", False, True, 0)]
    assert heredoc_names("RUN cat 2<<-'A B' x") == [("A B", True, False, 2)]
    assert heredoc_names("RUN ${x:-}<<EOF") == [("EOF", False, True, 0)]
    assert heredoc_names('RUN echo "<<EOF"') == []


def reference_extract_flags(line: str, pos: int, end: int) -> tuple[tuple[tuple, ...], int]:
    """BuildKit's extractBuilderFlags over UTF-8 bytes, one byte at a time."""
    space = frozenset(b"\t\n\v\f\r \x85\xa0")
    seg = line[pos:end]
    data = seg.encode("utf-8", "surrogatepass")
    char_at = []
    for ci, ch in enumerate(seg):
        char_at += [ci] * len(ch.encode("utf-8", "surrogatepass"))
    char_at.append(len(seg))
    flags = []
    n, i = len(data), 0
    while True:
        while i < n and data[i] in space:
            i += 1
        if i >= n:
            return tuple(flags), end
        if not (data[i] == 0x2D and i + 1 < n and data[i + 1] == 0x2D):
            return tuple(flags), pos + char_at[i]
        word_start, word, quote = i, bytearray(), 0
        while i < n:
            ch = data[i]
            if quote:
                if ch == quote:
                    quote = 0
                elif ch == 0x5C:
                    if i + 1 == n:
                        i += 1
                        break
                    i += 1
                    word.append(data[i])
                else:
                    word.append(ch)
                i += 1
                continue
            if ch in space:
                break
            if ch in (0x22, 0x27):
                quote = ch
            elif ch == 0x5C:
                if i + 1 < n:
                    i += 1
                    word.append(data[i])
            else:
                word.append(ch)
            i += 1
        text = word.decode("latin-1")
        if text == "--":
            return tuple(flags), pos + char_at[i]
        name, eq, value = text[2:].partition("=")
        flags.append((name, value if eq else None, text, pos + char_at[word_start], pos + char_at[i]))


flag_texts = st.lists(
    st.sampled_from(["--a", "--b=c", "--m=\"x y\"", "--q='z'", "--e\\ f", "--", "-x", "--é=ü", "x", "[", " ", "\t", "\xa0", "\x85", "\u2003", "\\", '"']),
    max_size=8,
).map("".join)


@SETTINGS
@given(flag_texts)
def test_extract_flags_matches_the_reference(rest: str) -> None:
    line = "RUN " + rest + " x"
    flags, at = _extract_flags(line, 4, len(line))
    assert (tuple((f.name, f.value, f.word, f.start, f.end) for f in flags), at) == reference_extract_flags(line, 4, len(line))


# ---- the view computed when asked for ----------------------------------------------------------


def test_the_view_of_a_plain_instruction_waits_until_asked_for() -> None:
    df = parse("FROM a\nRUN echo hi\nENV A=1\n")
    run = df.instructions[1]
    assert run._sem is None  # nothing BuildKit could refuse: the parser left it for later
    assert run.sem is run.sem and run.sem.value == ("echo hi",)
    assert df.instructions[2]._sem is not None  # ENV can fail, so the parser checked it


@pytest.mark.parametrize(
    "text",
    [
        'FROM a\nRUN ["a", 1]\n',
        'FROM a\nCOPY ["a", 1]\n',
        "FROM a\nRUN --mount=x [\"a\", 1]\n",
        'FROM a\nRUN \\\n  ["a", 1]\n',
        "FROM a\nENV A\n",
        "FROM a\nONBUILD FROM b\n",
        "FROM a\nRUN\\\nX y\n",
    ],
)
def test_instructions_buildkit_refuses_are_refused_while_parsing(text: str) -> None:
    with pytest.raises(SlimfixSyntaxError):
        parse(text)


@SETTINGS
@given(st.sampled_from(["RUN", "COPY", "ADD", "ARG", "FROM", "CMD", "WORKDIR", "EXPOSE"]), texts)
def test_a_lazy_view_equals_the_eager_one(keyword: str, rest: str) -> None:
    text = f"{keyword} {rest}".replace("\n", " ").replace("\r", " ") + "\n"
    try:
        instr = parse(text).instructions[0]
    except SlimfixSyntaxError:
        return
    eager = analyse(instr.keyword, instr.indent, instr.parts, instr.escape)
    sem = instr.sem
    assert (sem.keyword, sem.flags, sem.value, sem.json, sem.args, sem.args_start, sem.line) == (
        eager.keyword, eager.flags, eager.value, eager.json, eager.args, eager.args_start, eager.line,
    )


def test_with_changes_builds_a_new_view() -> None:
    instr = parse_instruction("ENV A=1\n")
    assert instr.sem.value == ("A", "1")
    changed = instr.with_changes(parts=(" B=2",))
    assert changed.sem.value == ("B", "2") and instr.sem.value == ("A", "1")
    assert changed.keyword == "ENV" and changed.leading == instr.leading
    with pytest.raises(TypeError):
        instr.with_changes(nope=1)
    assert Line("# x", "\n").with_changes(text="# y").code == "# y\n"
    assert "parts=(' B=2',)" in repr(changed)


def test_segments_and_to_text_across_continuations() -> None:
    instr = parse("FROM a\nRUN a \\\n  # c\n  b\n").instructions[1]
    sem = instr.sem
    assert sem.line == "RUN a   b" and sem.segments == ((0, 0), (3, 3), (6, 14), (8, 16))
    assert instr.text[sem.to_text(8)] == "b" and sem.to_text(6, end=True) == 6
    one = parse("  RUN x\n").instructions[0].sem
    assert [one.to_text(k) for k in (0, 4)] == [2, 6]


# ---- the cycle collector and the span table ----------------------------------------------------


def test_parse_restores_the_cycle_collector() -> None:
    assert gc.isenabled()
    parse("FROM a\n")
    assert gc.isenabled()
    with pytest.raises(SlimfixSyntaxError):
        parse("FROM a\nNOPE x\n")
    assert gc.isenabled()
    gc.disable()
    try:
        parse("FROM a\n")
        assert not gc.isenabled()  # left as the caller set it
    finally:
        gc.enable()


def test_spans_of_instructions_and_lines() -> None:
    text = "# syntax=x\n\n# about\nFROM a\nRUN b \\\n  c\n# tail\n"
    df = parse(text)
    frm, run = df.instructions
    assert text[slice(*df.span(frm))] == "\n# about\nFROM a\n"
    assert text[slice(*df.span(frm, own=True))] == "FROM a\n"
    assert text[slice(*df.span(run))] == "RUN b \\\n  c\n"
    assert [text[slice(*df.span(line))] for line in (*frm.leading, *df.footer)] == ["\n", "# about\n", "# tail\n"]
    assert df.lines_of(run) == (5, 6) and df.position(len(text) - 1) == (7, 7)
    with pytest.raises(KeyError):
        df.span(parse_instruction("RUN z\n"))
    assert df.stage_of(run).index == 0


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(dockerfiles(), noisy_dockerfiles()), st.sampled_from(["\n", "\r\n"]))
def test_spans_are_where_code_generation_puts_each_instruction(text: str, newline: str) -> None:
    # ``_bounds`` sums lengths instead of emitting each instruction: it must agree with emitting
    text = text.replace("\n", newline)
    try:
        df = parse(text)
    except SlimfixSyntaxError:
        return
    for instr in df.instructions:
        own: list[str] = []
        instr.emit_own(own, df.default_newline)
        start, end = df.span(instr, own=True)
        assert text[start:end] == "".join(own)
        whole: list[str] = []
        instr.emit(whole, df.default_newline)
        assert text[slice(*df.span(instr))] == "".join(whole)


def test_sizes_of_built_nodes_use_the_file_newline() -> None:
    # nodes a fix builds leave their newlines to the file's (None): sizes must count that one
    cont = Continuation(newline=None, inner=(Line("# c"), Line("")), indent="  ")
    doc = Heredoc("EOF", "x\n", "EOF")
    instr = Instruction("RUN", (" <<EOF a ", cont, "b"), heredocs=(doc,))
    for nl in ("\n", "\r\n"):
        out: list[str] = []
        instr.emit_own(out, nl)
        assert instr.own_size(nl) == len("".join(out))
        out = []
        cont.emit(out, nl)
        assert cont.size(nl) == len("".join(out))


def test_go_space_is_not_python_space() -> None:
    # str.split() would also split on \x1c..\x1f; Go's unicode.IsSpace does not
    assert parse_words("a\x1cb c", "\\") == ["a\x1cb", "c"]
    assert all(is_go_space(c) for c in GO_SPACE)


def reference_line_starts(code: str) -> list[int]:
    """0, then one past each newline, found one at a time."""
    starts, i = [0], code.find("\n")
    while i != -1:
        starts.append(i + 1)
        i = code.find("\n", i + 1)
    return starts


@SETTINGS
@given(st.lists(st.sampled_from(["FROM a\n", "RUN b \\\n c\n", "\n", "# x\r\n", "ENV A=1", "\r\n"]), max_size=12))
def test_line_starts_match_the_reference(pieces: list[str]) -> None:
    text = "".join(pieces)
    try:
        df = parse(text)
    except SlimfixSyntaxError:
        return
    assert list(df.line_starts) == reference_line_starts(df.code)


def test_go_word_is_every_character_but_go_space() -> None:
    # GO_WORD is written with Python's \s; it must take exactly the characters GO_SPACE leaves out
    from slimfix.cst.text import GO_WORD

    for code in range(0x110000):
        ch = chr(code)
        assert (GO_WORD.fullmatch(ch) is None) == (ch in GO_SPACE), hex(code)
