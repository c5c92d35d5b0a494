"""SF001's work per Dockerfile does not grow with what the scan of its build context found (issue #7).

A folder of 1,000 Dockerfiles is a context holding 1,000 Dockerfiles: checking each of them
must not look at every found path for every path its sources name.  Not timed tests: they
count the Python lines run in the build-context modules.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from linecount import lines_run

from slimfix.buildcontext import RISKY, _Found, _Scanned, _within, propose, run_cache
from slimfix.dockerignore import Matcher
from slimfix.engine import Settings, check_text

WATCHED = ("buildcontext.py", "context_fix.py", "dockerignore.py")


def _lines_run(call) -> Counter:
    """Lines executed in each watched module during ``call()``."""
    return lines_run(call, lambda filename: Path(filename).name in WATCHED)


def _folder_of_dockerfiles(root: Path, count: int) -> Path:
    """What a batch benchmark checks: many Dockerfiles in one folder, which is their context."""
    (root / "src").mkdir(parents=True)
    (root / "src" / "app.py").write_text("print('hi')\n")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    for k in range(count):
        (root / f"svc{k}.Dockerfile").write_text(f"FROM python:3.12-slim\nCOPY pkg{k} /app\nCOPY . /all\n")
        (root / f"pkg{k}" / "__pycache__").mkdir(parents=True)
    return root


def test_propose_costs_the_same_however_many_paths_the_scan_found(tmp_path: Path) -> None:
    lines = {}
    for count in (40, 160):
        root = _folder_of_dockerfiles(tmp_path / str(count), count)
        with run_cache():
            first = propose(root, [], ["src/app.py"])  # scans the context
            lines[count] = sum(_lines_run(lambda root=root: propose(root, [], ["src", ".git/HEAD"])).values())
        assert [p.pattern for p in first] == [".git", "**/__pycache__", "*.Dockerfile"]
    # each propose once looked at every found path for every named one: 4 times the lines here
    assert lines[160] < 1.3 * lines[40], lines


def test_checking_one_more_dockerfile_costs_the_same_in_a_bigger_folder(tmp_path: Path) -> None:
    lines = {}
    for count in (40, 160):
        root = _folder_of_dockerfiles(tmp_path / str(count), count)
        settings = Settings(select=frozenset({"SF001"}), context=root)
        with run_cache():
            first = check_text((root / "svc0.Dockerfile").read_text(), settings, root / "svc0.Dockerfile")
            path = root / "svc1.Dockerfile"
            counts = _lines_run(lambda path=path, settings=settings: check_text(path.read_text(), settings, path))
        assert [d.code for d in first] == ["SF001"]
        lines[count] = sum(counts.values())
    assert lines[160] < 1.3 * lines[40], lines


_PATHS = st.lists(st.text("ab/", min_size=1, max_size=6).filter(lambda p: "" not in p.split("/")), max_size=12)


@settings(max_examples=300, deadline=None)
@given(_PATHS, _PATHS, st.data())
def test_named_by_is_what_must_stay_for_each_named_path(paths: list[str], named: list[str], data) -> None:
    """The index answers what the old pass over every found path answered."""
    items = [_Found(path, data.draw(st.sampled_from(["vcs", "docker", "large", "secret"])), "", "") for path in set(paths)]
    scanned = _Scanned(items, Matcher([]))
    want = {
        item.path
        for item in items
        for name in named
        if _within(name, item.path) or (item.category in RISKY and _within(item.path, name))
    }
    assert scanned.named_by(named) == want
