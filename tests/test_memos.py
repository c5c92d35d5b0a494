"""Answers kept on immutable objects (issue #7): each is computed once per object, and what is
kept is exactly what a fresh computation gives."""

from __future__ import annotations

from slimfix import packagers, parse, parse_instruction
from slimfix.engine import Settings, check_text
from slimfix.shell import script

HEREDOC = "FROM debian\nRUN <<EOF\napt-get update\napt-get install -y curl\npip install flask\nEOF\n"


def test_calls_recognise_each_command_once_per_script(monkeypatch) -> None:
    seen: list[int] = []
    real = packagers.recognise

    def counting(cmd, index=0):
        seen.append(index)
        return real(cmd, index)

    monkeypatch.setattr(packagers, "recognise", counting)
    scr = script(parse_instruction("RUN apt-get update && apt-get install -y curl && echo done\n"))
    first = packagers.calls(scr)
    assert seen == [0, 1, 2]
    second = packagers.calls(scr)
    assert seen == [0, 1, 2] and second == first
    second.append(None)  # callers get their own list
    assert packagers.calls(scr) == first


def test_heredoc_scripts_are_read_once_per_instruction(monkeypatch) -> None:
    parsed: list[str] = []
    real = packagers.parse_instruction

    def counting(text, *args, **kwargs):
        parsed.append(text)
        return real(text, *args, **kwargs)

    monkeypatch.setattr(packagers, "parse_instruction", counting)
    instr = parse(HEREDOC).instructions[1]
    scr = script(instr)
    first = packagers.heredoc_scripts(instr, scr)
    assert len(parsed) == 1 and [c.program for c in first[0].commands] == ["apt-get", "apt-get", "pip"]
    assert packagers.heredoc_scripts(instr, scr) == first and len(parsed) == 1
    other = script(parse_instruction("RUN sh\n"))  # another script: computed for it, not reused
    assert packagers.heredoc_scripts(instr, other) == first and len(parsed) == 2


def test_the_three_cache_rules_read_a_heredoc_once(monkeypatch) -> None:
    parsed: list[str] = []
    real = packagers.parse_instruction
    monkeypatch.setattr(packagers, "parse_instruction", lambda text, *a, **k: parsed.append(text) or real(text, *a, **k))
    found = check_text(HEREDOC, Settings(cache="mounts", select=frozenset({"SF101", "SF102", "SF103"})))
    assert {"SF101", "SF103"} <= {d.code for d in found}
    assert len(parsed) == 1
