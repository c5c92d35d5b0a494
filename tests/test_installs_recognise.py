"""``installs.recognise`` answers at once for a program that installs nothing, and still names
every install it knows (``python -m pip``, ``pip3.12``, ``uv pip``, npm, Yarn...)."""

from __future__ import annotations

import pytest

from slimfix import parse_instruction
from slimfix.installs import recognise
from slimfix.shell import script


def first(line: str):
    return script(parse_instruction(f"RUN {line}\n")).commands[0]


@pytest.mark.parametrize(
    ("line", "tool", "verb"),
    [
        ("python3 -m pip install -r requirements.txt", "pip", "install"),
        ("/usr/local/bin/pip3.12 install .", "pip", "install"),
        ("uv pip sync requirements.txt", "pip", "sync"),
        ("uv sync --frozen", "uv", "sync"),
        ("npm ci", "npm", "ci"),
        ("yarn", "yarn", "install"),
        ("go mod download", "go", "download"),
        ("sudo bundle install", "bundler", "install"),
    ],
)
def test_installs_are_recognised(line: str, tool: str, verb: str) -> None:
    found = recognise(first(line))
    assert found is not None and (found.tool, found.verb) == (tool, verb)


@pytest.mark.parametrize("line", ["apt-get install -y python3-pip", "python3 -m venv /v", "pipx install x", "echo pip install"])
def test_other_commands_are_not_installs(line: str) -> None:
    assert recognise(first(line)) is None
