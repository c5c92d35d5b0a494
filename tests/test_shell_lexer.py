"""The regex-driven shell lexer and the shell view's cache agree with the first,
character-by-character implementation (``tests/shell_reference.py``) on every input."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import shell_reference as ref
from hypothesis import example, given, settings
from hypothesis import strategies as st

from slimfix import parse, parse_instruction, shell
from slimfix.errors import SlimfixError

ROOT = Path(__file__).resolve().parent.parent
# the characters the lexer treats specially, some ordinary ones, and look-alikes (a superscript
# digit, non-ASCII letters and blanks the shell does not split on)
SHELLISH = st.text(alphabet=list("ab_1 2\t\n\r\v\f\\'\"$`(){}&|;<>#-=*!?@/é²٣\u00a0\x1c"), max_size=40)


def plain(scr):
    """A view as nested tuples, so views from the two modules compare."""
    if scr is None:
        return None

    def words(ws):
        return tuple((w.raw, w.value, w.start, w.end) for w in ws)

    commands = tuple((words(c.words), words(c.redirects), c.op_before, c.depth, c.argv_index) for c in scr.commands)
    return commands, scr.opaque, scr.end, scr.comment, scr.ops


def fresh(instr):
    """The view computed anew, without the cache."""
    sem = instr.sem.command
    if sem.keyword not in ("RUN", "CMD", "ENTRYPOINT") or sem.json or not sem.args:
        return None
    return shell._view(sem.args, sem.args_start, sem.segments, bool(instr.heredocs))


def lex(module, text):
    lexer = module._Lexer(text)
    tokens, comment = lexer.tokens()
    return tokens, comment, lexer.opaque


@given(st.one_of(SHELLISH, st.text(max_size=30)))
@settings(max_examples=3000)
@example("foo&>bar 2&>x &&>y")
@example("a\\")
@example('echo "$(a "b)" c)" ${x:-"}"} $((1+(2))) $\'a\\\'b\' `x` done')
@example("cat <<<x <<-EOF 10>f 2>&1 ²>x")
@example('x "unterminated \\"')
@example("$(echo 'unterminated")
@example('${a "\\')
def test_tokens_match_the_reference(text: str) -> None:
    assert lex(shell, text) == lex(ref, text)


def _instruction(parts: list[str], escape: str):
    body = f" {escape}\n  ".join(parts)
    prefix = "ONBUILD RUN " if len(parts) % 3 == 2 else "RUN "
    try:
        return parse_instruction(prefix + body + "\n", escape=escape)
    except SlimfixError:
        return None


@given(st.lists(SHELLISH, min_size=1, max_size=4), st.sampled_from(["\\", "`"]))
@settings(max_examples=1500)
def test_views_match_the_reference(parts: list[str], escape: str) -> None:
    instr = _instruction(parts, escape)
    if instr is not None:
        assert plain(fresh(instr)) == plain(ref._script(instr, instr.sem))


def _corpus_texts():
    for path in sorted((ROOT / "golden").glob("*/*.Dockerfile")):
        yield path.read_text(encoding="utf-8", errors="replace")
    spec = importlib.util.spec_from_file_location("gen_corpus", ROOT / "bench" / "gen_corpus.py")
    gen = importlib.util.module_from_spec(spec)
    sys.modules["gen_corpus"] = gen
    spec.loader.exec_module(gen)
    for _, data in gen.generate(2024, 150):
        yield data.decode("utf-8")


def test_every_golden_and_corpus_instruction_matches_the_reference() -> None:
    checked = 0
    for text in _corpus_texts():
        try:
            df = parse(text)
        except SlimfixError:
            continue
        for instr in df.instructions:
            assert plain(fresh(instr)) == plain(ref._script(instr, instr.sem)), instr.text
            checked += 1
    assert checked > 1000


def test_the_cache_key_covers_offsets_and_heredocs() -> None:
    one = parse_instruction("RUN apt-get install -y curl\n")
    moved = parse_instruction("RUN    apt-get install -y curl\n")
    split = parse_instruction("RUN apt-get install \\\n  -y curl\n")
    assert one.sem.args == moved.sem.args == "apt-get install -y curl"
    views = [shell.script(i) for i in (one, moved, split)]
    curls = [v.commands[0].argv[-1] for v in views]
    assert [i.text[w.start : w.end] for i, w in zip((one, moved, split), curls)] == ["curl"] * 3
    assert len({w.start for w in curls}) == 3
    assert views == [fresh(i) for i in (one, moved, split)]
    doc = parse_instruction("RUN cat <<EOF\nhi\nEOF\n")
    no_doc = parse_instruction("RUN true\n")
    assert "a here-document" in shell._script(doc, doc.sem).opaque
    assert "a here-document" not in shell._script(no_doc, doc.sem).opaque  # same text, no body


def test_the_cache_returns_what_a_fresh_view_gives_and_skips_long_texts() -> None:
    instr = parse_instruction("RUN echo hi && make\n")
    assert shell._script(instr, instr.sem) == fresh(instr)
    again = parse_instruction("RUN echo hi && make\n")
    assert shell._script(instr, instr.sem) is shell._script(again, again.sem)
    long = parse_instruction("RUN echo " + "x" * shell._CACHE_TEXT + "\n")
    before = shell._cached_view.cache_info()
    assert shell._script(long, long.sem) == fresh(long)
    assert shell._cached_view.cache_info() == before
