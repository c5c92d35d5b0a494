"""The hand-written records that replace dataclasses (``slimfix.cst.record``): they compare,
hash, print, copy and pickle by value, as the frozen dataclasses they replace did."""

from __future__ import annotations

import copy
import pickle

import pytest

from slimfix import parse_instruction
from slimfix.packagers import Call, calls
from slimfix.shell import Command, Script, TextEdit, Word, script


def _roundtrips(record) -> None:
    assert pickle.loads(pickle.dumps(record)) == record
    assert copy.deepcopy(record) == record and copy.copy(record) == record
    assert hash(pickle.loads(pickle.dumps(record))) == hash(record)


def test_word_and_text_edit_behave_as_values() -> None:
    a, b = Word("'x'", "x", 1, 4), Word(raw="'x'", value="x", start=1, end=4)
    assert a == b and hash(a) == hash(b) and a is not b
    assert a != Word("'x'", "x", 1, 5) and a != ("'x'", "x", 1, 4)
    assert repr(a) == "Word(raw=\"'x'\", value='x', start=1, end=4)"
    assert Word("$A", None, 0, 2).text == "$A" and a.text == "x"
    assert len({a, b, Word("y", "y", 0, 1)}) == 2
    edit = TextEdit(3, 3, " -y")
    assert edit == TextEdit(start=3, end=3, new=" -y") and repr(edit) == "TextEdit(start=3, end=3, new=' -y')"
    for record in (a, edit):
        _roundtrips(record)


@pytest.mark.parametrize(
    ("line", "program"),
    [
        ("RUN /usr/bin/apt-get update\n", "apt-get"),
        ("RUN DEBIAN_FRONTEND=noninteractive sudo -u app pip install x\n", "pip"),
        ("RUN X=1\n", ""),
        ("RUN $CMD --flag\n", "$CMD"),
        ("RUN timeout 10 ./run.sh\n", "run.sh"),
    ],
)
def test_program_is_computed_once_from_the_fields(line: str, program: str) -> None:
    cmd = script(parse_instruction(line)).commands[0]
    assert cmd.program == program
    again = Command(cmd.words, cmd.redirects, cmd.op_before, cmd.depth, cmd.argv_index)
    assert again == cmd and again.program == program and hash(again) == hash(cmd)
    assert "program" not in repr(cmd)  # derived, not a field
    _roundtrips(cmd)
    assert pickle.loads(pickle.dumps(cmd)).program == program


def test_script_compares_by_value_and_keeps_memos_out_of_it() -> None:
    one = script(parse_instruction("RUN apt-get update && apt-get install -y curl\n"))
    two = Script(one.commands, one.opaque, one.end, one.comment, one.ops)
    calls(one)  # memoised on ``one`` only
    assert one == two and hash(one) == hash(two)
    assert one.__dict__ and not two.__dict__
    assert Script((), (), 0) == Script(commands=(), opaque=(), end=0, comment=None, ops=())
    _roundtrips(one)


def test_call_is_a_value() -> None:
    cmd = script(parse_instruction("RUN pip install flask\n")).commands[0]
    call = Call("pip", "install", cmd.argv[1], cmd, 0)
    assert calls(script(parse_instruction("RUN pip install flask\n"))) == [call]
    assert repr(call).startswith("Call(tool='pip', action='install', verb=Word(")
    _roundtrips(call)


def test_analysis_records_are_values() -> None:
    from slimfix import parse
    from slimfix.analysis import Effects, PathSet, State, Var, stage_steps

    df = parse("FROM debian\nWORKDIR /app\nENV A=1\nRUN mkdir -p x\n")
    steps = stage_steps(df, df.stages[0])
    other = parse(df.code)
    again = stage_steps(other, other.stages[0])
    for one, two in zip(steps, again):
        assert one.effects == two.effects and hash(one.effects) == hash(two.effects)
        assert one.state == two.state and hash(one.state) == hash(two.state)
        _roundtrips(one.effects)
        _roundtrips(one.state)
    assert steps[3].state == State("/app", "root", ("/bin/sh", "-c"), (Var("A", "1", "1", "ENV"),))
    assert steps[3].state._with(user="app") == State("/app", "app", env=steps[3].state.env)
    assert PathSet.everything() == PathSet(frozenset({"/"})) and PathSet.everything().is_everything
    assert PathSet.of("/usr/bin/x") == PathSet(frozenset({"/usr/bin/x", "/bin/x"}))
    assert not PathSet().is_everything and not PathSet()
    assert Effects("RUN") == Effects(keyword="RUN") and repr(Effects("ENV")).startswith("Effects(keyword='ENV', ")
    assert "serial" not in repr(Effects("ENV"))


def test_trees_and_stages_compare_by_identity() -> None:
    from slimfix import parse
    from slimfix.cst.semantics import Flag

    one, two = parse("FROM a AS b\nRUN x\n"), parse("FROM a AS b\nRUN x\n")
    assert one != two and len({one, two, one}) == 2
    assert one.stages[0] != two.stages[0] and one.stages[0].name == "b"
    assert repr(one.stages[0]).startswith("Stage(index=0, instructions=(Instruction(keyword='FROM'")
    assert repr(one).startswith("Dockerfile(header=Header(bom='', directives=()), instructions=(")
    assert one.replace(one.instructions[1]).code == "FROM a AS b\n"
    assert one.with_changes(footer=()).code == one.code
    flag = parse("RUN --mount=type=cache,target=/x y\n").instructions[0].sem.flags[0]
    assert flag == Flag("mount", "type=cache,target=/x", "--mount=type=cache,target=/x", 4, 32)
    _roundtrips(flag)


def test_an_instruction_text_is_what_it_emits() -> None:
    from pathlib import Path

    from slimfix import parse
    from slimfix.cst.nodes import Instruction

    root = Path(__file__).resolve().parents[1]
    checked = 0
    for path in sorted((root / "golden").glob("*/*.Dockerfile")):
        for instr in parse(path.read_bytes().decode()).instructions:
            out: list[str] = []
            instr.emit_own(out, "\n")
            assert instr.text == "".join(out)
            checked += 1
    assert checked > 500
    made = Instruction("RUN", (" x",), None, indent="  ")
    assert made.text == "  RUN x\n" and Instruction("CMD", (" y",), "\r\n").text == "CMD y\r\n"


def test_diagnostics_compare_without_their_instruction() -> None:
    from slimfix import parse
    from slimfix.engine import Diagnostic

    one, two = parse("RUN x\n").instructions[0], parse("RUN x\n").instructions[0]
    a, b = Diagnostic("SF1", "m", 0, 5, None, one), Diagnostic("SF1", "m", 0, 5, None, two)
    assert a == b and hash(a) == hash(b) and a.instruction is one
    assert a != Diagnostic("SF1", "m", 0, 5, None, one, line=1)
    moved = a.replace(line=3, column=2)
    assert (moved.line, moved.column, moved.instruction, moved.message) == (3, 2, one, "m")
    assert a.line == 0  # replace copies
    with pytest.raises(AttributeError):
        a.line = 2  # type: ignore[misc]


def test_settings_replace_and_compare_by_value() -> None:
    from pathlib import Path

    from slimfix.engine import Settings

    base = Settings(select=frozenset({"SF1"}))
    changed = base.replace(context=Path("/x"), unsafe_fixes=True)
    assert (changed.select, changed.context, changed.unsafe_fixes, changed.cache) == (frozenset({"SF1"}), Path("/x"), True, "clean")
    assert base.context is None and base == Settings(select=frozenset({"SF1"})) and len({base, Settings(select=frozenset({"SF1"}))}) == 1
    assert changed != base
    with pytest.raises(TypeError):
        base.replace(nothing=1)
