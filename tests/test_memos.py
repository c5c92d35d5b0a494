"""Answers kept on immutable objects (issue #7): each is computed once per object, and what is
kept is exactly what a fresh computation gives."""

from __future__ import annotations


from slimfix import across, heredocs, packagers, parse, parse_instruction
from slimfix.engine import Settings, check_text
from slimfix.shell import script

HEREDOC = "FROM debian\nRUN <<EOF\napt-get update\napt-get install -y curl\npip install flask\nEOF\n"


def _trees(rounds: int = 2):
    """The golden inputs and 60 generated files, parsed (those that parse), ``rounds`` times over:
    a second round finds what the first kept."""
    from pathlib import Path

    from test_check_windows import _generated

    from slimfix.errors import SlimfixError

    root = Path(__file__).resolve().parents[1]
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted((root / "golden").glob("*/*.Dockerfile"))]
    texts += _generated(60)
    for text in texts * rounds:
        try:
            yield parse(text)
        except SlimfixError:
            continue


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
    monkeypatch.setattr(heredocs, "_KEPT", {})  # nothing kept from earlier tests
    parsed: list[str] = []
    real = heredocs.parse_instruction

    def counting(text, *args, **kwargs):
        parsed.append(text)
        return real(text, *args, **kwargs)

    monkeypatch.setattr(heredocs, "parse_instruction", counting)
    instr = parse(HEREDOC).instructions[1]
    scr = script(instr)
    first = packagers.heredoc_scripts(instr, scr)
    assert len(parsed) == 1 and [c.program for c in first[0].commands] == ["apt-get", "apt-get", "pip"]
    assert packagers.heredoc_scripts(instr, scr) == first and len(parsed) == 1
    other = script(parse_instruction("RUN sh\n"))  # the bodies alone decide: kept on the instruction
    assert packagers.heredoc_scripts(instr, other) == first and len(parsed) == 1
    python = script(parse_instruction("RUN python3\n"))  # not a shell: nothing read
    assert packagers.heredoc_scripts(instr, python) == [] and len(parsed) == 1


def test_the_three_cache_rules_read_a_heredoc_once(monkeypatch) -> None:
    monkeypatch.setattr(heredocs, "_KEPT", {})  # nothing kept from earlier tests
    parsed: list[str] = []
    real = heredocs.parse_instruction
    monkeypatch.setattr(heredocs, "parse_instruction", lambda text, *a, **k: parsed.append(text) or real(text, *a, **k))
    found = check_text(HEREDOC, Settings(cache="mounts", select=frozenset({"SF101", "SF102", "SF103"})))
    assert {"SF101", "SF103"} <= {d.code for d in found}
    assert len(parsed) == 1


def test_state_env_paths_are_kept() -> None:
    from slimfix.analysis import State, Var

    state = State(env=(Var("PATH", "/opt/venv/bin:/usr/bin", "/opt/venv/bin:/usr/bin", "ENV"), Var("V", None, "", "ARG")))
    assert state.values == {"PATH": "/opt/venv/bin:/usr/bin", "V": None}
    assert state.env_paths is state.env_paths and state.env_paths == ("/opt/venv/bin", "/usr/bin")
    moved = state.with_var(Var("PATH", "/x", "/x", "ENV"))
    assert moved.values == {"V": None, "PATH": "/x"} and moved.env_paths == ("/x",)
    assert state.plain is state.plain


def test_effects_are_kept_across_trees_by_text_escape_and_state(monkeypatch) -> None:
    from slimfix import analysis

    monkeypatch.setattr(analysis, "_KEPT", across.Memo(2048))
    computed: list[str] = []
    real = analysis.effects
    monkeypatch.setattr(analysis, "effects", lambda instr, state: computed.append(instr.text) or real(instr, state))
    text = "FROM debian\nWORKDIR /app\nCOPY a b\nWORKDIR /srv\nCOPY a b\n"
    one = parse(text)
    first = analysis.stage_steps(one, one.stages[0])
    assert computed == []  # a step's effects are computed when first asked for
    assert len([s.effects for s in first]) == 5 and len(computed) == 5  # the two ``COPY a b`` differ by the WORKDIR
    two = parse(text)
    again = analysis.stage_steps(two, two.stages[0])
    assert [s.effects for s in again] == [s.effects for s in first] and len(computed) == 5
    assert again[2].effects.writes != again[4].effects.writes
    backtick = parse("# escape=`\n" + text)
    [s.effects for s in analysis.stage_steps(backtick, backtick.stages[0])]
    assert len(computed) == 10  # another escape character: computed again


def test_kept_effects_equal_fresh_ones_on_the_golden_and_generated_files() -> None:
    from slimfix import analysis

    checked = 0
    for df in _trees():
        for stage in df.stages:
            for step in analysis.stage_steps(df, stage):
                fresh = analysis.effects(step.instr, step.state)
                # asked before ``effects``: a RUN answers from its mounts alone
                assert step.context_paths == (fresh.context_paths if fresh.reads_context else None), step.instr.text
                assert step.reads_context == fresh.reads_context
                assert step.effects == fresh, step.instr.text
                checked += 1
    assert checked > 2000


def test_context_reads_cost_no_footprint_and_sf202_reads_only_the_steps_after_the_anchor(monkeypatch) -> None:
    from slimfix import analysis, footprints

    runs: list[str] = []
    real = footprints.run_footprint
    monkeypatch.setattr(footprints, "run_footprint", lambda instr, state: runs.append(instr.text) or real(instr, state))
    monkeypatch.setattr(analysis, "_KEPT", across.Memo(2048))
    text = (
        "FROM python:3.11-slim\nRUN apt-get update && apt-get install -y --no-install-recommends gcc\n"
        "RUN --mount=type=bind,source=req.txt,target=/r.txt pip install --no-cache-dir -r /r.txt\n"
        "COPY . /app\nRUN pip install --no-cache-dir flask\nCMD [\"python\", \"/app/main.py\"]\n"
    )
    df = parse(text)
    assert analysis.stage_steps(df, df.stages[0])[2].context_paths == ("req.txt",)
    from slimfix.context_fix import NeedsScan

    scan = NeedsScan(df, None)
    scan.add(df.stages)  # SF001's scan of what the file reads from the context
    assert scan.first_reader().name == "COPY" and runs == []
    check_text(text, Settings(select=frozenset({"SF202"})))
    # the anchor is the bind-mounting RUN; the apt-get RUN above it is never modelled
    assert not any("apt-get" in r for r in runs) and any("flask" in r for r in runs)


def test_a_state_plain_form_is_equal_exactly_when_the_state_is() -> None:
    from slimfix.analysis import State, Var

    a = State("/app", None, env=(Var("A", "1", "1", "ENV"),))
    assert a.plain == State("/app", None, env=(Var("A", "1", "1", "ENV"),)).plain
    assert hash(a.plain) == hash(State("/app", None, env=(Var("A", "1", "1", "ENV"),)).plain)
    others = [State("/app"), State("/srv", env=a.env), State("/app", "root", env=a.env), State("/app", shell=("bash",), env=a.env),
              State("/app", env=(Var("A", "1", "1", "ARG"),)), State("/app", env=(Var("A", None, "1", "ENV"),)),
              State("/app", env=a.env, global_args=a.env), State("/app", env=a.env, escape="`")]
    for other in others:
        assert (other.plain == a.plain) == (other == a) is False


def test_heredoc_scripts_are_kept_across_trees_by_contents(monkeypatch) -> None:
    monkeypatch.setattr(heredocs, "_KEPT", {})
    parsed: list[str] = []
    real = heredocs.parse_instruction
    monkeypatch.setattr(heredocs, "parse_instruction", lambda text, *a, **k: parsed.append(text) or real(text, *a, **k))
    text = "FROM debian\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n"
    first = [packagers.heredoc_scripts(i, script(i)) for i in parse(text).instructions if i.heredocs]
    again = [packagers.heredoc_scripts(i, script(i)) for i in parse(text).instructions if i.heredocs]
    assert first == again and len(parsed) == 1  # a second tree with the same text: kept
    other = parse(text.replace("curl", "wget")).instructions[1]
    assert [c.program for s in packagers.heredoc_scripts(other, script(other)) for c in s.commands] == ["apt-get", "apt-get"]
    assert len(parsed) == 2 and "wget" in parsed[-1]  # other contents: parsed again
    bash = parse(text.replace("RUN <<EOF", "RUN python3 <<EOF")).instructions[1]
    assert packagers.heredoc_scripts(bash, script(bash)) == [] and len(parsed) == 2  # not a shell: nothing read


def test_the_state_before_each_instruction_is_computed_once_per_tree(monkeypatch) -> None:
    from slimfix import analysis

    advanced: list[str] = []
    real = analysis.advance
    monkeypatch.setattr(analysis, "advance", lambda instr, state: advanced.append(instr.name) or real(instr, state))
    df = parse("ARG V=1\nFROM debian AS base\nENV A=1\nWORKDIR /app\nFROM base\nUSER app\nRUN true\n")
    steps = [analysis.stage_steps(df, stage) for stage in df.stages]
    assert [analysis.initial_state(df, stage) for stage in df.stages] == [s[0].state for s in steps]
    assert steps[2][1].state.workdir == "/app" and steps[2][2].state.user == "app"
    assert len(advanced) == len(df.instructions)  # the start states' pass gave the steps theirs


def test_package_runs_kept_on_the_shell_view_match_fresh_ones(monkeypatch) -> None:
    """SF301's reading of a package RUN is kept with its shell view (per distribution), which a
    re-parsed alike instruction shares: every RUN of the golden and generated files, under
    several distributions, reads the same kept as fresh, and asked again is not read again."""
    from slimfix import stage_shape
    from slimfix.runtime_libs import distro_of
    from slimfix.shell import _view

    distros = [distro_of(image) for image in ("debian:bookworm", "python:3.12-alpine", "node:20", "ubuntu:22.04")]
    read: list[object] = []
    real = stage_shape._package_run
    monkeypatch.setattr(stage_shape, "_package_run", lambda scr, distro: read.append((id(scr), distro)) or real(scr, distro))
    checked = found = 0
    for df in _trees(1):
        for instr in df.instructions:
            scr = script(instr)
            if instr.name != "RUN" or scr is None or scr.opaque or not scr.commands:
                continue
            fresh_view = _view(instr.sem.args, instr.sem.args_start, instr.sem.segments, bool(instr.heredocs))
            for distro in distros:
                kept = stage_shape.package_run(instr, distro)
                fresh = real(fresh_view, distro)
                assert (kept.manager, kept.packages, kept.no_recommends, kept.noninteractive) == fresh if fresh else kept is None
                assert kept is None or kept.instr is instr
                before = len(read)
                assert stage_shape.package_run(instr, distro) == kept and len(read) == before  # asked again: kept
                assert stage_shape._kinds(instr) == tuple(map(stage_shape._dependency_kind, fresh_view.commands))
                checked += 1
                found += fresh is not None
    assert checked > 2000 and found > 200


def test_states_kept_across_trees_match_fresh_ones(monkeypatch) -> None:
    """``advance`` keeps the State after an ENV, ARG, WORKDIR, USER or SHELL by the
    instruction's text and the State before it: along every stage of the golden and generated
    files, parsed twice (the second time finds them kept), it gives what a fresh ``_advance``
    does, and asked again the very same State."""
    from slimfix import analysis

    monkeypatch.setattr(analysis, "_ADVANCED", across.Memo(2048))
    checked = kept = 0
    for df in _trees():
        for stage in df.stages:
            state = analysis.initial_state(df, stage)
            for instr in stage.instructions:
                before = len(analysis._ADVANCED)
                after = analysis.advance(instr, state)
                kept += instr.name in analysis._ADVANCES and len(analysis._ADVANCED) == before
                if instr.name in analysis._ADVANCES:
                    assert after == analysis._advance(instr, state), instr.text
                    assert analysis.advance(instr, state) is after
                    checked += 1
                state = after
    assert checked > 1000 and kept > checked / 3


def test_semantics_kept_across_trees_match_fresh_ones(monkeypatch) -> None:
    """An instruction's semantics are kept by its text and escape character: every instruction
    of the golden and generated files, parsed twice (the second time finds them kept), reads as
    a fresh ``analyse`` of its own fields does."""
    from slimfix.cst import nodes
    from slimfix.cst.semantics import analyse

    monkeypatch.setattr(nodes, "_SEMS", across.Memo(1024))

    def seen(sem) -> tuple:
        inner = seen(sem.inner) if sem.inner is not None else None
        return (sem.keyword, sem.flags, sem.value, sem.json, sem.args, sem.args_start, sem.line, sem.segments, inner)

    checked = shared = 0
    for df in _trees():
        for instr in df.instructions:
            kept = instr.sem
            assert seen(kept) == seen(analyse(instr.keyword, instr.indent, instr.parts, instr.escape)), instr.text
            shared += any(kept is other for other in nodes._SEMS.values())
            checked += 1
    assert checked > 4000 and shared > checked / 4
