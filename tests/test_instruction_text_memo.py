"""Instruction.text is built once for a multi-line instruction, and is always its own source."""

from slimfix import parse
from slimfix.cst.nodes import Instruction


def _counting_emits(monkeypatch) -> list[int]:
    calls = [0]
    real = Instruction.emit_own

    def counted(self, out, nl):
        calls[0] += 1
        return real(self, out, nl)

    monkeypatch.setattr(Instruction, "emit_own", counted)
    return calls


def test_multiline_text_built_once(monkeypatch) -> None:
    df = parse("FROM debian\nRUN apt-get update \\\r\n    # inner\n    && apt-get install -y curl\n")
    run = df.instructions[1]
    calls = _counting_emits(monkeypatch)
    first = run.text
    assert run.text is first
    assert calls[0] == 1
    assert first == "RUN apt-get update \\\r\n    # inner\n    && apt-get install -y curl\n"


def test_text_of_heredoc_and_one_line() -> None:
    src = "FROM alpine\nRUN <<EOF\necho hi\nEOF\nCMD [\"sh\"]"
    df = parse(src)
    run, cmd = df.instructions[1], df.instructions[2]
    assert run.text == run.text == "RUN <<EOF\necho hi\nEOF\n"
    assert cmd.text == 'CMD ["sh"]'


def test_replaced_instruction_has_its_own_text() -> None:
    df = parse("FROM debian\nRUN a \\\n  b\n")
    run = df.instructions[1]
    assert run.text == "RUN a \\\n  b\n"
    other = run.with_changes(indent="  ")
    assert other.text == "  RUN a \\\n  b\n"
    assert run.text == "RUN a \\\n  b\n"
