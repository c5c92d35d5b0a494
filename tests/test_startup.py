"""Start-up: what ``slimfix -`` loads, and the hand-written records that replace dataclasses."""

from __future__ import annotations

import copy
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

import slimfix
from slimfix.engine import Context, Edit, Fix, FixResult, Safety, Settings
from slimfix.transforms import load_all

SRC = Path(slimfix.__file__).resolve().parents[1]
UNFIXED = "FROM python:3.12-slim\nRUN pip install flask\n"
# Modules the editor's path must not pay for: the CLI framework, YAML, the language server,
# diffs and temporary files (only --diff and --write need those), the module finder.
HEAVY = ("typer", "click", "ruamel", "pygls", "lsprotocol", "difflib", "tempfile", "shutil", "pkgutil")


def test_the_stdin_path_loads_no_heavy_module(tmp_path: Path) -> None:
    code = (
        "import gc, sys; sys.argv = ['slimfix', '-', '--stdin-filename', 'Dockerfile'];"
        "from slimfix.__main__ import main; rc = main();"
        f"print(rc, gc.isenabled(), sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}), file=sys.stderr)"
    )
    # -S: no site-packages .pth files, which may import some of these before slimfix runs
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    r = subprocess.run([sys.executable, "-S", "-c", code], input=UNFIXED.encode(), capture_output=True,
                       cwd=tmp_path, env=env, timeout=120)
    assert r.stdout == UNFIXED.replace("pip install", "pip install --no-cache-dir").encode()
    assert r.stderr.decode().splitlines()[-1] == "0 True []"  # and the collector runs again


def test_the_stdin_path_gives_the_same_bytes_as_fix_text(tmp_path: Path) -> None:
    from slimfix.engine import fix_text

    r = subprocess.run([sys.executable, "-m", "slimfix", "-", "--stdin-filename", "Dockerfile"], input=UNFIXED.encode(),
                       capture_output=True, cwd=tmp_path, timeout=120)
    assert r.stdout.decode() == fix_text(UNFIXED, Settings(context=tmp_path), tmp_path / "Dockerfile").output


def test_edit_and_fix_compare_hash_and_print_by_value() -> None:
    a, b = Edit(1, 2, "x"), Edit(start=1, end=2, text="x")
    assert a == b and hash(a) == hash(b) and a is not b
    assert a != Edit(1, 2, "y") and a != (1, 2, "x")
    assert repr(a) == "Edit(start=1, end=2, text='x')"
    fix = Fix((a,), Safety.SAFE, "t")
    assert fix == Fix((b,), Safety.SAFE, "t") != Fix((a,), Safety.UNSAFE, "t")
    assert repr(fix) == "Fix(edits=(Edit(start=1, end=2, text='x'),), safety=<Safety.SAFE: 2>, title='t')"
    assert fix.applies(False) and Fix((a,), Safety.UNSAFE, "t").applies(True)
    assert not Fix((a,), Safety.UNSAFE, "t").applies(False)
    assert len({a, b, Edit(0, 0, "")}) == 2


def test_edit_and_fix_are_immutable_and_survive_the_process_pool() -> None:
    edit = Edit(1, 2, "x")
    with pytest.raises(AttributeError):
        edit.start = 3  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del edit.text
    with pytest.raises(AttributeError):
        edit.other = 1  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        Edit(1, 2)  # type: ignore[call-arg]
    fix = Fix((edit,), Safety.UNSAFE, "t")
    assert pickle.loads(pickle.dumps(fix)) == fix
    assert copy.deepcopy(fix) == fix and copy.copy(edit) == edit


def test_context_and_fix_result() -> None:
    ctx = Context(slimfix.parse("FROM a\n"), Settings())
    assert (ctx.path, ctx.code) == (None, "")
    result = FixResult("a", "b", [], [])
    assert result.found == [] and result.changed
    assert not FixResult("a", "a", [], [], []).changed
    again = pickle.loads(pickle.dumps(result))
    assert (again.source, again.output, again.applied, again.remaining, again.found) == ("a", "b", [], [], [])


def test_every_transform_module_is_found() -> None:
    folder = Path(load_all()[0].__file__).parent
    expected = sorted(p.stem for p in folder.glob("sf[0-9][0-9][0-9]_*.py"))
    assert [m.__name__.rsplit(".", 1)[1] for m in load_all()] == expected
    assert len(expected) >= 11


def test_options_without_paths_keeps_every_flag() -> None:
    from slimfix.runner import Mode, Options, Report

    values = dict(mode=Mode.CHECK, unsafe_fixes=True, select=frozenset({"SF1"}), ignore=frozenset({"SF9"}),
                  stdin_filename="x", context=Path("c"), cache="mounts", config=Path("f"),
                  output_format="json", quiet=True)
    options = Options(["a", "b"], **values)
    bare = options.without_paths()
    assert bare.paths == [] and options.paths == ["a", "b"]
    assert {name: getattr(bare, name) for name in values} == values
    assert set(Options.__slots__) == {"paths", *values}
    again = pickle.loads(pickle.dumps(bare))  # a pool started by spawn pickles it
    assert {name: getattr(again, name) for name in values} == values
    defaults = Options(["a"])
    assert (defaults.mode, defaults.output_format, defaults.quiet, defaults.unsafe_fixes) == (None, "text", False, None)
    report = Report()
    assert (report.changed, report.errors, report.diagnostics) == ([], [], []) and report.exit_code(Mode.CHECK) == 0


def test_json_is_loaded_only_for_json_text(tmp_path: Path) -> None:
    # exec-form instructions need the json module; a file without any must not pay for it
    code = (
        "import sys; sys.argv = ['slimfix', '-', '--stdin-filename', 'Dockerfile'];"
        "from slimfix.__main__ import main; rc = main();"
        "print(rc, 'json' in sys.modules, file=sys.stderr)"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    shell_form = UNFIXED + 'HEALTHCHECK CMD curl -f http://localhost/ || exit 1\nCMD python app.py --port $PORT\n'
    for text, loaded in ((shell_form, False), (shell_form + 'ENTRYPOINT ["tini", "--"]\n', True)):
        r = subprocess.run([sys.executable, "-S", "-c", code], input=text.encode(), capture_output=True,
                           cwd=tmp_path, env=env, timeout=120)
        assert r.stderr.decode().splitlines()[-1] == f"0 {loaded}", r.stderr.decode()
