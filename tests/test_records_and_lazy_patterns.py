"""Start-up of the transforms and the modules behind them: hand-written records instead of
dataclasses, and regular expressions compiled on first use.  Both cost ``slimfix -`` time
on every save; the records must still compare, hash and print by value where dataclasses did."""

from __future__ import annotations

import dataclasses
import importlib
import pickle
import re

import pytest

from slimfix import installs, parse, runtime_libs, stage_shape
from slimfix.installs import Install, Reads
from slimfix.runtime_libs import Distro, Package, Role
from slimfix.transforms import load_all

MODULES = ("slimfix.installs", "slimfix.runtime_libs", "slimfix.stage_shape", "slimfix.images")


@pytest.mark.parametrize("name", [*MODULES, *(m.__name__ for m in load_all() if m.CODE != "SF001")])
def test_no_dataclass_and_no_compiled_pattern_at_import(name: str) -> None:
    module = importlib.import_module(name)
    own = {k: v for k, v in vars(module).items() if getattr(v, "__module__", name) == name}
    assert not [k for k, v in own.items() if isinstance(v, type) and dataclasses.is_dataclass(v)]
    assert not [k for k, v in vars(module).items() if isinstance(v, re.Pattern)]


def test_records_compare_hash_and_print_by_value() -> None:
    a = Package("gcc", "gcc", Role.BUILD_ONLY)
    b = Package(word="gcc", name="gcc", role=Role.BUILD_ONLY, runtime=(), reason="")
    assert a == b and hash(a) == hash(b) and a != Package("gcc", "gcc", Role.RUNTIME)
    assert repr(a) == "Package(word='gcc', name='gcc', role=<Role.BUILD_ONLY: 'build-only'>, runtime=(), reason='')"
    assert Distro("debian", None) == Distro("debian", None) != Distro("debian", "bookworm")
    assert Reads() == Reads((), (), (), ()) and Reads(files=("a",)).files == ("a",)
    install = Install("pip", "install", ("flask",), "pip install flask", False)
    assert pickle.loads(pickle.dumps(install)) == install
    with pytest.raises(AttributeError):
        install.tool = "npm"  # type: ignore[misc]
    with pytest.raises(TypeError):
        Distro("debian")  # type: ignore[call-arg]


def test_shape_replace_keeps_every_other_field() -> None:
    df = parse("FROM python:3.12-slim\nRUN apt-get install -y gcc\n")
    base = stage_shape.Shape(df.stages[-1], df.instructions[1], (Package("gcc", "gcc", Role.BUILD_ONLY),))
    changed = base.replace(problem="p", kind="venv")
    assert (changed.problem, changed.kind, changed.manager, changed.no_recommends) == ("p", "venv", "apt", True)
    assert changed.stage is base.stage and changed.tools == base.tools and not changed.ready
    with pytest.raises(TypeError):
        base.replace(nothing=1)


@pytest.mark.parametrize(
    ("prog", "found"),
    [("pip", True), ("pip3", True), ("pip3.12", True), ("pipx", False), ("python", True), ("python3.11", True),
     ("python3-config", False), ("npm", True), ("apt-get", False), ("pip\n", True)],
)
def test_installer_programs(prog: str, found: bool) -> None:
    """The prefix test in front of the patterns keeps their answers (``$`` allows a final newline)."""
    assert installs.installer(prog) is found


@pytest.mark.parametrize(
    ("name", "role"),
    [("gcc-12", Role.BUILD_ONLY), ("g++-12.2", Role.BUILD_ONLY), ("python3.11-dev", Role.BUILD_ONLY),
     ("gcc", Role.BUILD_ONLY), ("gccgo", Role.RUNTIME), ("python3.11", Role.RUNTIME), ("clang-x", Role.RUNTIME)],
)
def test_versioned_build_tools(name: str, role: Role) -> None:
    assert runtime_libs.classify(name, "apt", Distro("debian", "bookworm")).role is role


def test_lazy_pattern_compiles_on_first_use_and_matches_as_re() -> None:
    from slimfix.lazy_re import Lazy

    pattern = Lazy(r"^pip(\d+)?$", re.IGNORECASE)
    assert not any(isinstance(v, re.Pattern) or callable(v) for v in vars(pattern).values())
    for text in ("pip", "PIP3", "pip3x", "", "xpip"):
        compiled = re.compile(r"^pip(\d+)?$", re.IGNORECASE)
        assert bool(pattern.match(text)) == bool(compiled.match(text))
        assert bool(pattern.search(text)) == bool(compiled.search(text))
        assert pattern.sub("-", text) == compiled.sub("-", text)
    assert "match" in vars(pattern)  # the compiled pattern's own method, found without __getattr__
    with pytest.raises(AttributeError):
        pattern.groups_of_nothing  # noqa: B018 - not a method of a pattern
