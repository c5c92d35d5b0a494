"""The build-context modules on the ``slimfix -`` path (SF001's scan, plan and side files, the
ignore-file matcher, configuration, Compose, I/O): hand-written records instead of dataclasses, so
the editor's path never loads ``dataclasses`` (and ``inspect`` behind it); the records still
compare, hash, print, copy and pickle by value as the frozen dataclasses they replace did."""

from __future__ import annotations

import copy
import dataclasses
import importlib
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import slimfix
from slimfix import parse
from slimfix.buildcontext import Proposal, _Found
from slimfix.context_fix import Needs, Plan, SideChange
from slimfix.dockerignore import Pattern, parse_dockerignore

SRC = Path(slimfix.__file__).resolve().parents[1]
MODULES = ("slimfix.buildcontext", "slimfix.context_fix", "slimfix.dockerignore", "slimfix.side_files",
           "slimfix.config", "slimfix.compose", "slimfix.io", "slimfix.errors")


def test_the_stdin_path_does_not_load_dataclasses(tmp_path: Path) -> None:
    code = (
        "import sys; sys.argv = ['slimfix', '-', '--stdin-filename', 'Dockerfile'];"
        f"import {', '.join(MODULES)}, slimfix.fastpath, slimfix.runner;"
        "from slimfix.__main__ import main; rc = main();"
        "print(rc, sorted(m for m in ('dataclasses', 'inspect') if m in sys.modules), file=sys.stderr)"
    )
    # -S: no site-packages .pth files, which may import dataclasses before slimfix runs
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    (tmp_path / "app.py").write_text("print(1)\n")
    r = subprocess.run([sys.executable, "-S", "-c", code], input=b"FROM python:3.12-slim\nCOPY . /app\n",
                       capture_output=True, cwd=tmp_path, env=env, timeout=120)
    assert r.stderr.decode().splitlines()[-1] == "0 []", r.stderr.decode()


@pytest.mark.parametrize("name", MODULES)
def test_no_dataclass_and_no_compiled_pattern_at_import(name: str) -> None:
    module = importlib.import_module(name)
    own = [v for v in vars(module).values() if isinstance(v, type) and v.__module__ == name]
    assert not [cls for cls in own if dataclasses.is_dataclass(cls)]
    assert not [k for k, v in vars(module).items() if isinstance(v, re.Pattern)]


def _check_value(a: object, b: object, other: object) -> None:
    assert a == b and hash(a) == hash(b) and a is not b and a != other
    assert pickle.loads(pickle.dumps(a)) == a and copy.deepcopy(a) == a and copy.copy(a) == a
    assert len({a, b, other}) == 2
    with pytest.raises(AttributeError):
        a.extra = 1  # type: ignore[attr-defined]


def test_proposal_and_found() -> None:
    a = Proposal(".git", "version control metadata", "vcs")
    b = Proposal(pattern=".git", reason="version control metadata", category="vcs", risky=False)
    _check_value(a, b, a.replace(risky=True))
    assert repr(a) == "Proposal(pattern='.git', reason='version control metadata', category='vcs', risky=False)"
    with pytest.raises(AttributeError):
        a.risky = True  # type: ignore[misc]
    assert _Found("a", "vcs", "", "r") == _Found("a", "vcs", "", "r") != _Found("b", "vcs", "", "r")


def test_needs_defaults_merge_and_value() -> None:
    empty = Needs()
    assert empty == Needs((), False, False, False, False, (), ()) and not empty.paths
    a = Needs(("b", "a"), runs_git=True, unknown=("x",))
    _check_value(a, Needs(paths=("b", "a"), runs_git=True, unknown=("x",)), a.replace(whole=True))
    assert repr(empty) == ("Needs(paths=(), whole=False, installs_node_modules=False, runs_git=False, "
                           "reads_dockerfiles=False, unbounded=(), unknown=())")
    merged = Needs.merge([a, Needs(("c",), whole=True, unknown=("x", "y"))])
    assert merged == Needs(("a", "b", "c"), True, False, True, False, (), ("x", "y"))
    with pytest.raises(AttributeError):
        a.whole = True  # type: ignore[misc]
    with pytest.raises(TypeError):
        Needs(nope=1)  # type: ignore[call-arg]


def test_plan_and_side_change() -> None:
    proposal = Proposal("*.pyc", "Python bytecode", "python")
    plan = Plan(Path("ctx/.dockerignore"), "# old\n", (proposal,), ())
    _check_value(plan, Plan(Path("ctx/.dockerignore"), "# old\n", (proposal,), ()), plan.replace(held_back=(proposal,)))
    assert "*.pyc" in plan.new_text and plan.new_text.startswith("# old\n")
    change = SideChange(Path("ctx/.dockerignore"), "", "x\n", (2, 10), (1, 5))
    assert change.held_back == () and change == SideChange(Path("ctx/.dockerignore"), "", "x\n", (2, 10), (1, 5), ())
    _check_value(change, change.replace(), change.replace(new_text="y\n"))


def test_pattern() -> None:
    comment, rule, regex = parse_dockerignore("# c\n*.pyc\n**/a*b/c\n")
    assert comment == Pattern(1, "# c") and not comment.is_rule
    assert repr(comment) == "Pattern(line=1, raw='# c', pattern=None, exclusion=False, kind='', regex=None)"
    _check_value(rule, parse_dockerignore("# c\n*.pyc\n")[1], regex)
    _check_value(regex, parse_dockerignore("# c\n*.pyc\n**/a*b/c\n")[2], rule)
    assert regex.kind == "regex" and regex.matches("x/aqb/c") and not regex.matches("x/aqb/d")
    with pytest.raises(AttributeError):
        rule.line = 3  # type: ignore[misc]


def test_compose_records() -> None:
    from slimfix.compose import ComposeBuild, Target

    a = Target(Path("a/Dockerfile"), Path("a"))
    _check_value(a, Target(dockerfile=Path("a/Dockerfile"), context=Path("a"), services=()), a.replace(services=("w",)))
    assert repr(a) == "Target(dockerfile=PosixPath('a/Dockerfile'), context=PosixPath('a'), services=())"
    build = ComposeBuild("web", Path("compose.yaml"), 2, Path("."), Path("Dockerfile"))
    _check_value(build, build.replace(), build.replace(line=3))
    with pytest.raises(AttributeError):
        build.line = 3  # type: ignore[misc]


def test_discover_sorts_targets_by_dockerfile_then_context_then_services(tmp_path: Path) -> None:
    from slimfix.compose import Target, discover

    (tmp_path / "app").mkdir()
    (tmp_path / "app/Dockerfile").write_text("FROM scratch\n")
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    (tmp_path / "compose.yaml").write_text(
        "services:\n  z:\n    build: app\n  b:\n    build:\n      context: .\n      dockerfile: app/Dockerfile\n"
        "  a:\n    build:\n      context: .\n      dockerfile: app/Dockerfile\n"
    )
    assert discover(tmp_path) == [
        Target(tmp_path / "Dockerfile", tmp_path),
        Target(tmp_path / "app/Dockerfile", tmp_path, ("a", "b")),
        Target(tmp_path / "app/Dockerfile", tmp_path / "app", ("z",)),
    ]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="gitobuldns .-_\tG", max_size=30))
def test_runs_git_skips_the_vcs_pattern_only_when_it_cannot_match(words: str) -> None:
    """``needs_of`` compiles and runs the VCS pattern only for RUN lines holding "git" or "go"."""
    from slimfix.context_fix import _READS_VCS, needs_of

    df = parse("FROM a\nRUN x " + words + "\n")
    assert needs_of(df).runs_git == (re.search(_READS_VCS, df.instructions[1].sem.line) is not None)


@pytest.mark.parametrize(("run", "git"), [("git clone x", True), ("go  build ./...", True), ("cat .git/HEAD", True),
                                          ("go-build", False), ("legit", False), ("gofmt", False), ("echo", False)])
def test_runs_git(run: str, git: bool) -> None:
    from slimfix.context_fix import needs_of

    assert needs_of(parse(f"FROM a\nRUN {run}\n")).runs_git is git
