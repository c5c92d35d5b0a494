"""Generated Dockerfiles: parse round-trips exactly or raises SlimfixSyntaxError, and agrees
with BuildKit's parser on every instruction it accepts."""

from __future__ import annotations


from hypothesis import HealthCheck, given, settings

from oracles import OracleError, buildkit, json_with_trailing_text
from slimfix import SlimfixSyntaxError, parse
from strategies import dockerfiles, noisy_dockerfiles
from test_parser import describe, oracle_view

# Where slimfix deliberately differs from BuildKit v0.12.5 (the oracle's vendored version);
# each is a rule of today's BuildKit or a refusal of input BuildKit's later stages reject.
KNOWN_DIFFERENCES = (
    "unknown instruction",  # the parser accepts it; BuildKit's dispatcher then fails the build
    "a line continuation with no instruction",  # BuildKit joins it onto the next line
    "keyword split by a line continuation",  # e.g. RU\\ N: BuildKit fails on the joined word
    "isn't allowed as an ONBUILD trigger",  # rejected by BuildKit's instruction layer
)

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(dockerfiles())
def test_generated_round_trip_and_agree(text: str) -> None:
    check(text)


@SETTINGS
@given(noisy_dockerfiles())
def test_noise_round_trips_or_raises(text: str) -> None:
    check(text)


def check(text: str) -> None:
    theirs = buildkit(text)
    try:
        df = parse(text)
    except SlimfixSyntaxError as exc:
        if isinstance(theirs, OracleError):
            return  # both refuse
        assert any(k in exc.reason for k in KNOWN_DIFFERENCES), (exc, text)
        return
    assert df.code == text
    if isinstance(theirs, OracleError):
        assert theirs.unsupported or "no instructions" in theirs.message or not df.instructions or _known(text, theirs), (theirs, text)
        return
    ours, expected = describe(df), [oracle_view(o) for o in theirs]
    assert len(ours) == len(expected)
    for instr, a, b in zip(df.instructions, ours, expected):
        if json_with_trailing_text(instr.sem.command.args):
            continue
        assert a == b


def _known(text: str, err: OracleError) -> bool:
    return "greater than max allowed size" in err.message
