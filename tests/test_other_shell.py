"""SF101 and SF102 edit only under a POSIX shell: the shell-word view reads sh, and what they
append (``&& npm cache clean --force``) is no statement in Windows PowerShell 5.1."""

from __future__ import annotations

import pytest

from slimfix.engine import Safety, Settings, check_text, fix_text

SETTINGS = Settings(select=frozenset({"SF101", "SF102"}), unsafe_fixes=True)
POWERSHELL = 'SHELL ["powershell", "-Command", "$ErrorActionPreference = \'Stop\';"]\n'


@pytest.mark.parametrize(
    "src",
    [
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n" + POWERSHELL + "RUN npm install -g yarn\nRUN pip install tox\n",
        'FROM w\nSHELL ["cmd", "/S", "/C"]\nRUN npm ci\n',
        'FROM w\nSHELL ["C:\\\\Program Files\\\\PowerShell\\\\7\\\\pwsh.exe", "-Command"]\nRUN npm ci\n',
        # a stage built FROM a stage with that SHELL inherits it
        "FROM w AS base\n" + POWERSHELL + "FROM base\nRUN npm ci\n",
        # a here-document under it too
        "FROM w\n" + POWERSHELL + "RUN <<EOF\nnpm ci\nEOF\n",
    ],
)
def test_other_shells_are_reported_not_edited(src: str) -> None:
    assert fix_text(src, SETTINGS).output == src
    found = check_text(src, SETTINGS)
    assert found and all(d.fix is None or d.fix.safety == Safety.DISPLAY_ONLY for d in found)
    assert all("not a POSIX shell" in d.message for d in found)


@pytest.mark.parametrize(
    "shell",
    ['["/bin/bash", "-o", "pipefail", "-c"]', '["/usr/bin/env", "bash", "-c"]', '["sh", "-c"]', '["/bin/ash", "-eo", "pipefail", "-c"]'],
)
def test_posix_shells_are_edited(shell: str) -> None:
    src = f"FROM node\nSHELL {shell}\nRUN npm ci\n"
    assert fix_text(src, SETTINGS).output == src.replace("npm ci", "npm ci && npm cache clean --force")


def test_a_later_shell_back_to_sh_is_edited_again() -> None:
    src = "FROM w\n" + POWERSHELL + "RUN npm ci\nSHELL [\"/bin/sh\", \"-c\"]\nRUN npm ci\n"
    assert fix_text(src, SETTINGS).output.endswith("RUN npm ci && npm cache clean --force\n")
    assert fix_text(src, SETTINGS).output.count("cache clean") == 1
