"""The full check grows linearly with the file: no rule compares every stage, or every RUN of
the file, with every other (issue #7).

Not a timed test: it counts the Python lines each module executes for a file of N groups of
stages and for one of 4N.  Linear work gives a ratio of about 4; work that pairs stages or
instructions gives about 16 (already more than 9 at these sizes).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from linecount import lines_run

import slimfix
from slimfix.engine import Settings, check_text
from slimfix.transforms import sf202_context_copy_before_slow_layers as sf202

# Every rule runs on it: named stages built FROM each other, ENV, USER, a relative WORKDIR (its
# SF403 findings suppressed file-wide, once per group), apt with and without update, pip
# --user, a context copy before installs, ONBUILD, shell-form CMDs, a suppression comment, a
# dev server.
GROUP = """\
# hadolint global ignore=DL3000
FROM python:3.12-slim AS base{k}
ENV PIP_NO_CACHE_DIR=1
USER app
RUN apt-get update && apt-get install -y gcc
FROM base{k} AS build{k}
WORKDIR app
COPY . /app
RUN apt-get install -y make
RUN pip install --user -r requirements.txt
RUN pip install flask && gunicorn --version
# slimfix: ignore=SF401
CMD gunicorn app:app
FROM build{k}
ONBUILD RUN apt-get install -y curl
RUN npm install && apt-get update
"""
FINAL = """\
FROM python:3.12-slim
RUN apt-get update && apt-get install -y gcc
COPY requirements.txt .
RUN pip install -r requirements.txt
CMD flask run --debug
"""

# The modules of the dependency analysis and the rules (the parser and shell view have their own).
WATCHED = ("analysis.py", "packagers.py", "stage_shape.py", "runtime_libs.py", "images.py", "pragmas.py")


def _watched(filename: str) -> bool:
    path = Path(filename)
    return path.parent.name == "transforms" and path.name.startswith("sf") or (
        path.parent.name == "slimfix" and path.name in WATCHED
    )


def _text(groups: int) -> str:
    return "".join(GROUP.format(k=k) for k in range(groups)) + FINAL


def _lines_run(text: str, settings: Settings) -> Counter:
    """Lines executed in each watched module during one check of ``text``."""
    return lines_run(lambda: check_text(text, settings), _watched)


@pytest.mark.parametrize("settings", [Settings(), Settings(cache="mounts", unsafe_fixes=True)], ids=["clean", "mounts"])
def test_every_rule_does_linear_work(settings: Settings) -> None:
    small, large = _lines_run(_text(8), settings), _lines_run(_text(32), settings)
    codes = {d.code for d in check_text(_text(1), settings)}
    assert {"SF101", "SF102", "SF201", "SF202", "SF301", "SF401", "SF402", "SF404"} <= codes
    assert settings.cache == "clean" or "SF103" in codes
    ratios = {name: large[name] / small[name] for name in small if small[name] > 200}
    assert len(ratios) >= 10  # the rules and the analysis modules ran
    worst = max(ratios, key=ratios.__getitem__)
    assert ratios[worst] < 5, f"{worst} runs {ratios[worst]:.1f} times the lines for 4 times the stages"


def test_sf202_parses_each_stage_again_not_the_whole_file(monkeypatch) -> None:
    """Checking a move re-parses the moved stage (through the next FROM), not the file."""
    parsed: list[int] = []

    def counting(text: str):
        parsed.append(len(text))
        return slimfix.parse(text)

    monkeypatch.setattr(sf202, "parse", counting)
    sizes = []
    for groups in (8, 32):
        parsed.clear()
        found = check_text(_text(groups), Settings(select=frozenset({"SF202"})))
        assert sum(d.fix is not None for d in found) == groups  # one move per group
        sizes.append(sum(parsed))
    assert 3.5 < sizes[1] / sizes[0] < 4.5
