"""Whether large files are named by a text file of the build context: one pass over the text
files for all of them, not one pass each (issue #7: a context of 126k files took >10 minutes).

Not timed tests: they count file reads, and check the one-pass search against the definition.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from slimfix import context_fix
from slimfix.buildcontext import LARGE_FILE_BYTES, run_cache
from slimfix.context_fix import _names_folder, _Needles, referenced


def _large(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as out:
        out.truncate(LARGE_FILE_BYTES + 1)


def _opened(monkeypatch) -> list[str]:
    """Every file context_fix opens."""
    seen: list[str] = []
    real = open

    def counting(path, *args, **kwargs):
        seen.append(str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(context_fix, "open", counting, raising=False)
    return seen


def test_one_pass_over_the_text_files_for_all_large_files(tmp_path: Path, monkeypatch) -> None:
    for k in range(20):
        (tmp_path / "src" / f"m{k}").mkdir(parents=True)
        (tmp_path / "src" / f"m{k}" / "code.py").write_text("print('nothing to see')\n")
    large = [f"data/set{k}/blob{k}.bin" for k in range(10)]
    for rel in large:
        _large(tmp_path / rel)
    (tmp_path / "src" / "m7" / "load.py").write_text("open('blob3.bin')\n")
    opened = _opened(monkeypatch)
    with run_cache():
        assert referenced(tmp_path, large) == {"data/set3/blob3.bin"}
        assert len(opened) == 21  # each text file once (not once per large file), never a large one
        assert referenced(tmp_path, large[:4]) == {"data/set3/blob3.bin"}
        assert len(opened) == 21  # answers are kept for the run
        _large(tmp_path / "other.bin")
        assert referenced(tmp_path, ["other.bin", *large]) == {"data/set3/blob3.bin"}
        assert len(opened) == 42  # one more pass, for the path not asked about before


def test_the_pass_stops_once_every_large_file_is_named(tmp_path: Path, monkeypatch) -> None:
    for k in range(20):
        (tmp_path / "src" / f"m{k}").mkdir(parents=True)
        (tmp_path / "src" / f"m{k}" / "code.py").write_text("print('nothing to see')\n")
    _large(tmp_path / "a.bin")
    _large(tmp_path / "b.bin")
    (tmp_path / "a-readme.txt").write_text("see a.bin and b.bin\n")  # the first file of the root
    opened = _opened(monkeypatch)
    assert referenced(tmp_path, ["a.bin", "b.bin"]) == {"a.bin", "b.bin"}
    assert len(opened) == 1


def _referenced_one_by_one(root: Path, relpath: str) -> bool:
    """The definition: the former search, one walk and one regular expression per large file."""
    target = Path(relpath)
    words = {target.name} | ({target.stem} if len(target.stem) >= 3 else set())
    folders = [re.compile(rf"""(?:^|[/'"`\s]){re.escape(part)}(?:/|['"`])""") for part in target.parent.parts]
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if not path.is_file() or rel == relpath or path.name.endswith("ignore") or path.stat().st_size > 1024 * 1024:
            continue
        data = path.read_bytes()
        if b"\0" in data[:8192]:
            continue
        text = data.decode("utf-8", "ignore")
        if any(word in text for word in words) or any(f.search(text) for f in folders):
            return True
    return False


TEXTS = {
    "app/main.py": "open('models/x')\n",  # the folder models/ as a path
    "app/notes.md": "the data in here\n",  # the word data, not a folder
    "app/run.sh": "cat\u00a0assets/\n",  # after a non-breaking space (white space)
    "app/conf.yml": "path: `cache`\n",
    ".dockerignore": "weights.bin\n",  # ignore files name what to leave out
    "app/bin.dat": "\0weights.bin",  # binary: not a text file
    "app/stem.txt": "load ab and checkpoint\n",  # a stem of two letters is not enough
}
LARGE = ["models/m.bin", "data/d.bin", "assets/a.bin", "cache/c.bin", "weights.bin", "deep/ab.bin", "deep/checkpoint.pt"]


def test_referenced_agrees_with_the_search_one_file_at_a_time(tmp_path: Path) -> None:
    for rel, text in TEXTS.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    for rel in LARGE:
        _large(tmp_path / rel)
    want = {rel for rel in LARGE if _referenced_one_by_one(tmp_path, rel)}
    assert want == {"models/m.bin", "assets/a.bin", "cache/c.bin", "deep/checkpoint.pt"}
    assert referenced(tmp_path, LARGE) == want


@settings(max_examples=500, deadline=None)
@given(st.text("ab/'\" \t\u00a0`x", max_size=30), st.text("ab", min_size=1, max_size=3))
def test_names_folder_is_the_regular_expression(text: str, part: str) -> None:
    pattern = rf"""(?:^|[/'"`\s]){re.escape(part)}(?:/|['"`])"""
    assert _names_folder(text, part) == bool(re.search(pattern, text))


@settings(max_examples=500, deadline=None)
@given(st.sets(st.text("ab.*(|\\", min_size=1, max_size=5), min_size=1, max_size=8), st.text("ab.*(|\\", max_size=30))
def test_needles_find_exactly_the_strings(strings: set[str], text: str) -> None:
    assert _Needles(strings).any_in(text) == any(s in text for s in strings)


def test_needles_survive_deeply_nested_strings() -> None:
    strings = ["a" * n + "b" for n in range(1, 1500)]
    needles = _Needles(strings)
    assert needles.any_in("x" + "a" * 800 + "bx")
    assert not needles.any_in("a" * 2000)
