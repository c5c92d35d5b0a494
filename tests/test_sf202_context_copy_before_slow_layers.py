"""SF202 context-copy-before-slow-layers: steps that read no context move above the first one that does."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from slimfix import SlimfixSyntaxError, parse
from slimfix.analysis import depends, stage_steps
from slimfix.engine import Safety, Settings, check_text, fix_text
from slimfix.errors import VerificationError

CODE = "SF202"


def fix(src: str, unsafe: bool = True) -> str:
    return fix_text(src, Settings(select=frozenset({CODE}), unsafe_fixes=unsafe)).output


def diags(src: str, codes: tuple[str, ...] = (CODE,)):
    return check_text(src, Settings(select=frozenset(codes)))


@pytest.mark.parametrize(
    "src",
    (
        # already in order
        "FROM d\nRUN apt-get update && apt-get install -y curl\nCOPY . /app\n",
        # no step reads the context
        "FROM d\nRUN apt-get update && apt-get install -y curl\n",
        "FROM d\nCOPY --from=build /out /app\nRUN apt-get install -y curl\n",
        "FROM d\nADD https://example.com/x.tgz /opt/\nRUN apt-get install -y curl\n",
        "FROM d\nONBUILD COPY . /app\nRUN apt-get install -y curl\n",
        "FROM d\nCOPY <<EOF /etc/motd\nhi\nEOF\nRUN apt-get install -y curl\n",
        # the RUN reads what the COPY wrote, or may
        "FROM d\nCOPY . /app\nRUN pip install -r /app/requirements.txt\n",
        "FROM d\nWORKDIR /app\nCOPY . .\nRUN pip install .\n",
        "FROM d\nCOPY . /app\nRUN chown -R 1000 /app\n",
        "FROM d\nWORKDIR /app\nCOPY . .\nRUN mkdir -p logs\n",
        "FROM d\nWORKDIR /app\nCOPY . .\nRUN curl -O https://example.com/x\n",
        "FROM d\nCOPY . /app\nRUN useradd -d /app app\n",
        # apt-get may write the folder the COPY filled
        "FROM d\nCOPY . /usr/src/app\nRUN apt-get install -y gcc\n",
        "FROM d\nCOPY . /var/www/html\nRUN apt-get install -y apache2\n",
        "FROM d\nCOPY sources.list /etc/apt/sources.list\nRUN apt-get update\n",
        # a command slimfix does not model, a here-document, sh -c, exec form
        "FROM d\nCOPY . /app\nRUN apt-get install -y gcc && make -C /app\n",
        "FROM d\nCOPY . /app\nRUN <<EOF\napt-get install -y gcc\nEOF\n",
        "FROM d\nCOPY . /app\nRUN sh -c 'apt-get install -y gcc'\n",
        'FROM d\nCOPY . /app\nRUN ["apt-get", "install", "-y", "gcc"]\n',
        # the ENV the RUN needs is used by the COPY
        "FROM d\nCOPY --chown=${U:-root} . /app\nENV U=app\nRUN apt-get install -y gcc\n",
        # an ARG path: --build-arg may point it anywhere
        "FROM d\nARG APP=/app\nCOPY . $APP\nRUN apt-get install -y gcc\n",
        # a relative COPY destination on a base image whose WORKDIR slimfix cannot see
        "FROM python:3.12\nCOPY . .\nRUN apt-get install -y gcc\n",
        # a non-root USER set in the stage: HOME, and what pip touches, is unknown
        "FROM d\nCOPY . /app\nUSER app\nRUN pip install flask\n",
        # metadata and ENV alone are not moved: they cost nothing to rebuild
        "FROM d\nCOPY . /app\nENV A=1\nLABEL a=b\nEXPOSE 80\nCMD [\"run\"]\n",
        # suppressed, on the RUN or file-wide
        "FROM d\nCOPY . /app\n# slimfix: ignore=SF202\nRUN apt-get install -y gcc\n",
        "FROM d\nCOPY . /app\n# slimfix: ignore\nRUN apt-get install -y gcc\n",
        "# slimfix: skip-file\nFROM d\nCOPY . /app\nRUN apt-get install -y gcc\n",
        # a suppressed ENV the RUN needs pins the RUN too
        "FROM d\nCOPY . /app\n# slimfix: ignore=SF202\nENV A=1\nRUN apt-get install -y gcc\n",
        # the last line ends in a continuation: moved, it would swallow the next line
        "FROM d\nCOPY . /app\nRUN apt-get install -y gcc \\",
    ),
)
def test_noop(src: str) -> None:
    assert fix(src) == src


@pytest.mark.parametrize(
    ("src", "expected"),
    (
        (
            "FROM d\nCOPY . /app\nRUN apt-get update && apt-get install -y gcc\n",
            "FROM d\nRUN apt-get update && apt-get install -y gcc\nCOPY . /app\n",
        ),
        (  # the ENV and ARG it needs come along, in order; the ENV it does not need stays
            "FROM d\nCOPY . /app\nENV A=1\nARG V\nENV LATE=1\nRUN apk add --no-cache curl\n",
            "FROM d\nENV A=1\nARG V\nENV LATE=1\nRUN apk add --no-cache curl\nCOPY . /app\n",
        ),
        (
            "FROM d\nCOPY . /app\nRUN apk add --no-cache curl\nENV LATE=1\n",
            "FROM d\nRUN apk add --no-cache curl\nCOPY . /app\nENV LATE=1\n",
        ),
        (  # WORKDIR is jumped: apt-get does not use the working folder
            "FROM d\nCOPY . /app\nWORKDIR /app\nRUN apt-get install -y gcc\n",
            "FROM d\nRUN apt-get install -y gcc\nCOPY . /app\nWORKDIR /app\n",
        ),
        (  # moves above the first context read, a manifest COPY included
            "FROM d\nWORKDIR /app\nCOPY req.txt .\nRUN pip install -r req.txt\nCOPY . .\nRUN useradd app\n",
            "FROM d\nWORKDIR /app\nCOPY req.txt .\nRUN pip install -r req.txt\nCOPY . .\nRUN useradd app\n",
        ),
        (
            "FROM d\nWORKDIR /app\nCOPY req.txt .\nRUN useradd app\nRUN pip install -r req.txt\n",
            "FROM d\nWORKDIR /app\nRUN useradd app\nCOPY req.txt .\nRUN pip install -r req.txt\n",
        ),
        (  # leading comments and blank lines move with their instruction
            "FROM d\n\n# app\nCOPY . /app\n\n# tools\nRUN apt-get install -y gcc\n",
            "FROM d\n\n# tools\nRUN apt-get install -y gcc\n\n# app\nCOPY . /app\n",
        ),
        (  # only within its stage
            "FROM a AS one\nCOPY . /src\nFROM b\nCOPY x /srv/x\nRUN apt-get install -y gcc\n",
            "FROM a AS one\nCOPY . /src\nFROM b\nRUN apt-get install -y gcc\nCOPY x /srv/x\n",
        ),
        (  # a bind mount of the context is a context read
            "FROM d\nRUN --mount=type=bind,target=/s true\nRUN apt-get install -y gcc\n",
            "FROM d\nRUN apt-get install -y gcc\nRUN --mount=type=bind,target=/s true\n",
        ),
        (
            "FROM d\r\nCOPY . /app\r\nRUN apt-get install -y gcc\r\n",
            "FROM d\r\nRUN apt-get install -y gcc\r\nCOPY . /app\r\n",
        ),
        (  # the last line without a newline: the file still ends without one
            "FROM d\nCOPY . /app\nRUN apt-get install -y gcc",
            "FROM d\nRUN apt-get install -y gcc\nCOPY . /app",
        ),
        (
            "FROM d\nCOPY . /app\nRUN apt-get install -y gcc\n# footer\n",
            "FROM d\nRUN apt-get install -y gcc\nCOPY . /app\n# footer\n",
        ),
    ),
)
def test_fix(src: str, expected: str) -> None:
    assert fix(src) == expected
    assert fix(expected) == expected


def test_the_move_is_safe() -> None:
    src = "FROM d\nCOPY . /app\nRUN apt-get install -y gcc\n"
    (d,) = diags(src)
    assert d.fix is not None and d.fix.safety is Safety.SAFE
    assert d.line == 3 and "COPY . /app" in d.message
    assert fix(src, unsafe=False) == "FROM d\nRUN apt-get install -y gcc\nCOPY . /app\n"


def test_several_moves_share_one_fix_and_land_in_one_pass() -> None:
    src = "FROM d\nCOPY . /app\nRUN apt-get install -y gcc\nRUN useradd app\nRUN mkdir -p /data\n"
    found = diags(src)
    assert [d.line for d in found] == [3, 4, 5]
    assert len({id(d.fix) for d in found}) == 1
    result = fix_text(src, Settings(select=frozenset({CODE})))
    assert result.output == "FROM d\nRUN apt-get install -y gcc\nRUN useradd app\nRUN mkdir -p /data\nCOPY . /app\n"
    assert len(result.applied) == 3


def test_blocked_install_is_reported_with_the_reason() -> None:
    (d,) = diags("FROM d\nCOPY . /usr/src/app\nRUN apt-get install -y gcc\n")
    assert d.fix is None
    assert "line 2" in d.message and "COPY . /usr/src/app" in d.message
    (d,) = diags("FROM d\nCOPY . /app\nARG PKGS\nRUN apt-get install -y $PKGS\n")
    assert d.fix is None and "$PKGS is not a literal package name" in d.message
    (d,) = diags("FROM d\nCOPY --chown=$U . /app\nENV U=app\nRUN apt-get install -y gcc\n")
    assert "line 3 (`ENV U=app`)" in d.message and "line 2" in d.message


def test_other_blocked_steps_are_not_reported() -> None:
    assert diags("FROM d\nCOPY . /app\nRUN pip install -r /app/requirements.txt\nRUN make\n") == []
    # an install next to a command slimfix does not model: it likely reads the source
    assert diags("FROM d\nCOPY . /app\nRUN apt-get install -y gcc && make\n") == []
    # an install kept below a step slimfix cannot bound: nothing the author can act on
    assert diags("FROM d\nCOPY . /app\nRUN make\nRUN apt-get install -y gcc\n") == []


def test_suppression_is_used() -> None:
    src = "FROM d\nCOPY . /app\n# slimfix: ignore=SF202\nRUN apt-get install -y gcc\n"
    assert diags(src, (CODE, "SF900")) == []
    carried = "FROM d\nCOPY . /app\n# slimfix: ignore=SF202\nENV A=1\nRUN apt-get install -y gcc\n"
    assert [d.line for d in diags(carried, (CODE, "SF900"))] == [5]  # the RUN, told why; no SF900
    unused = "FROM d\n# slimfix: ignore=SF202\nRUN apt-get install -y gcc\n"
    assert [d.code for d in diags(unused, (CODE, "SF900"))] == ["SF900"]


# ---- properties -------------------------------------------------------------------------


def _instructions_by_stage(text: str) -> list[Counter]:
    df = parse(text)
    return [Counter((i.text.rstrip("\r\n"), i.comments) for i in stage.instructions) for stage in df.stages]


def _check_property(text: str) -> None:
    try:
        src_df = parse(text)
        out = fix(text)
    except (SlimfixSyntaxError, VerificationError):
        assume(False)
        return
    assert _instructions_by_stage(out) == _instructions_by_stage(text)
    assert fix(out) == out
    # every pair whose order changed is independent in the original
    position = {key: k for k, key in enumerate(_keys(parse(out)))}
    keys = iter(_keys(src_df))
    for stage in src_df.stages:
        steps = stage_steps(src_df, stage)
        where = [position[next(keys)] for _ in steps]
        for a in range(len(steps)):
            for b in range(a + 1, len(steps)):
                if where[a] > where[b]:
                    assert not depends(steps[a].effects, steps[b].effects), (steps[a].instr.text, steps[b].instr.text)


def _keys(df) -> list[tuple]:
    """Each instruction as (text, comments, occurrence): identical ones never trade places."""
    seen: Counter = Counter()
    out = []
    for instr in df.instructions:
        key = (instr.text.rstrip("\r\n"), instr.comments)  # the last line may lose its newline
        out.append((*key, seen[key]))
        seen[key] += 1
    return out


_LINES = st.sampled_from(
    [
        "COPY . /app", "COPY . .", "COPY requirements.txt /app/", "COPY --from=build /out /opt/out",
        "ADD https://example.com/t.tgz /opt/", "ADD app.tgz /srv/", "COPY <<EOF /etc/apt/apt.conf.d/1\nx\nEOF",
        "RUN apt-get update && apt-get install -y gcc", "RUN apk add --no-cache curl", "RUN useradd -m app",
        "RUN useradd -d /app app", "RUN mkdir -p /data", "RUN mkdir -p data", "RUN pip install flask",
        "RUN pip install -r requirements.txt", "RUN make", "RUN chmod +x /app/run", "RUN echo hi > /etc/motd",
        "RUN curl -fsSLo /usr/local/bin/t https://e.com/t", "RUN --mount=type=bind,target=/s true",
        "ENV A=1", "ENV DEST=/srv/d", "ENV PATH=/app/bin:$PATH", "ARG V", "ARG P=/x", "USER app", "USER root",
        "WORKDIR /app", "WORKDIR sub", 'SHELL ["/bin/bash", "-c"]', "LABEL a=b", "EXPOSE 80",
        "ONBUILD RUN make", "COPY . $DEST", "COPY --chown=$A . /w", "VOLUME /data", 'CMD ["run"]',
        "# a comment", "",
    ]
)


@st.composite
def _stage_files(draw: st.DrawFn) -> str:
    lines = ["FROM debian:bookworm AS build"]
    for _ in range(draw(st.integers(1, 2))):
        lines += draw(st.lists(_LINES, min_size=1, max_size=9))
        lines.append("FROM build")
    lines.pop()
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n# end\n"]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(_stage_files())
def test_moves_keep_instructions_and_dependencies(text: str) -> None:
    _check_property(text)


def test_generated_dockerfiles() -> None:
    strategies = pytest.importorskip("strategies")

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
    @given(strategies.dockerfiles())
    def run(text: str) -> None:
        _check_property(text)

    run()


# ---- work -------------------------------------------------------------------------------


def test_each_pair_of_steps_is_compared_once_per_stage(monkeypatch) -> None:
    """Every candidate scans the steps above it; the comparisons it repeats are remembered.

    Here each install races with the ones above it and with the COPY into /usr, so every
    candidate is blocked by the COPY after scanning all the installs before it: without the
    memo the 40 installs cost about 40 * 40 comparisons instead of one per adjacent pair.
    """
    from slimfix.transforms import sf202_context_copy_before_slow_layers as sf202

    seen: Counter = Counter()

    def counting(a, b):
        seen[(id(a), id(b))] += 1
        return depends(a, b)

    monkeypatch.setattr(sf202, "depends", counting)
    text = "FROM d\nCOPY . /usr/src/app\n" + "".join(f"RUN apt-get install -y pkg{k}\n" for k in range(40))
    found = check_text(text, Settings(select=frozenset({CODE})))  # its tree, so the ids, live throughout
    assert len(found) == 40 and all(d.fix is None for d in found)  # reported, blocked by the COPY
    assert seen and max(seen.values()) == 1
    assert sum(seen.values()) < 3 * 40
