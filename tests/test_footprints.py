"""The RUN footprint model: what a RUN reads and writes, given the State in force."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from slimfix import parse
from slimfix.analysis import State, Var, stage_steps
from slimfix.footprints import _shell_env, run_footprint


def footprint(text: str, index: int = -1):
    df = parse(text)
    step = stage_steps(df, df.stages[-1])[index]
    return run_footprint(step.instr, step.state)


def _original_shell_env(state: State, script_text: str) -> dict[str, str | None]:
    """The first implementation: one regular expression per ENV name."""
    if re.search(r"\b(for|read|getopts|local|declare|typeset|readonly|export|unset|eval|source)\b|(^|[^\w$])\.\s", script_text):
        return {}
    return {name: value for name, value in state.values.items() if not re.search(rf"(?<![\w$]){name}=", script_text)}


NAMES = st.sampled_from(["A", "B", "AB", "_x", "é", "A1", "1A", "A.B", "a-b", "HOME", "PATH"])


@given(st.lists(NAMES, max_size=5), st.text(alphabet=list("AB_xé1.=$ -;a\n"), max_size=30))
@settings(max_examples=1500)
@example(["A", "AB"], "xA=1 AB=2")
@example(["A"], "$A=1")
@example(["A.B"], "AxB=1")
@example(["A"], "B=A=1")
def test_the_script_environment_matches_one_search_per_name(names: list[str], script_text: str) -> None:
    state = State(env=tuple(Var(n, "v" + n, "v" + n, "ENV") for n in names))
    assert _shell_env(state, script_text) == _original_shell_env(state, script_text)


def test_a_name_the_script_sets_is_unknown_and_the_others_expand() -> None:
    fp = footprint("FROM a\nENV D=/data E=/etc/x\nRUN D=/other mkdir $D $E\n")
    assert fp.unknown == ("$D is not a known path",)
    fp = footprint("FROM a\nENV E=/etc/x\nRUN mkdir -p $E\n")
    assert fp.unknown == () and "/etc/x" in fp.writes


def test_env_paths_are_read_by_programs_and_unknown_programs_stay_unknown() -> None:
    fp = footprint("FROM a\nENV PATH=/opt/venv/bin:$PATH\nRUN X=/srv/tool apt-get update\n")
    assert "/opt/venv/bin" in fp.reads and "/srv/tool" in fp.reads
    fp = footprint("FROM a\nENV PATH=/opt/venv/bin:$PATH\nRUN make all\n")
    assert fp.unknown == ("`make` is not a command slimfix can bound",) and not fp.modelled
    assert fp.reads == () and fp.programs == ("make",)


def test_globs_redirects_and_assignment_only_commands() -> None:
    fp = footprint("FROM a\nWORKDIR /app\nRUN FOO=1 && rm -rf /var/cache/*.tmp 'a*' > /tmp/log 2>&1\n")
    assert fp.unknown == ()
    assert "/var/cache" in fp.reads and "/app" not in fp.reads  # the quoted 'a*' is not a glob
    assert {"/var/cache", "/app", "/tmp/log"} <= set(fp.writes)  # a glob stands for its folder
    assert fp.programs == ("rm",)
