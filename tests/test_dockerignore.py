"""Tests for slimfix.dockerignore.

The cases follow the spirit of moby/patternmatcher's tests with our own
inputs; each expected value is reasoned from the rules in the module docstring.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slimfix.dockerignore import (
    DockerignoreError,
    Matcher,
    Pattern,
    find_ignore_file,
    go_clean,
    parse_dockerignore,
    read_dockerignore,
    walk_context,
)


def excluded(lines: list[str], path: str) -> bool:
    return Matcher(parse_dockerignore("\n".join(lines) + "\n")).excluded(path)


# (pattern, path, excluded?) -- one pattern per case.
SINGLE = [
    # "*" stays inside one path element, but a parent match excludes children.
    ("*", "setup.py", True),
    ("*", "pkg/mod.py", True),  # "pkg" matches "*", so its child goes too
    ("*.py", "setup.py", True),
    ("*.py", "pkg/mod.py", False),  # "*" cannot cross "/", and "pkg" is no .py
    ("pkg/*.py", "pkg/mod.py", True),
    ("pkg/*.py", "pkg/sub/mod.py", False),
    # "**" crosses directories, including none at all.
    ("**", "anything/at/all", True),
    ("**/*.pyc", "top.pyc", True),
    ("**/*.pyc", "a/b/c/deep.pyc", True),
    ("**/*.pyc", "a/b/c/deep.py", False),
    ("**/__pycache__", "__pycache__", True),
    ("**/__pycache__", "src/pkg/__pycache__/m.cpython-311.pyc", True),
    ("src/**", "src", False),  # prefix "src/" needs something after it
    ("src/**", "src/a/b.txt", True),
    ("src/**/test_*.py", "src/test_a.py", True),
    ("src/**/test_*.py", "src/x/y/test_a.py", True),
    ("src/**/test_*.py", "lib/x/test_a.py", False),
    # "**name" (no slash) is a plain suffix test.
    ("**log", "build.log", True),
    ("**log", "catalog", True),
    ("**/.env", ".env", True),
    ("**/.env", "app/.env", True),
    ("**/.env", "app/prod.env", False),  # suffix "/.env", not ".env"
    # "?" is one character other than "/".
    ("file?.txt", "file1.txt", True),
    ("file?.txt", "file.txt", False),
    ("a?b", "a/b", False),
    # Character classes, ranges and negation.
    ("log[0-9]", "log7", True),
    ("log[0-9]", "logx", False),
    ("log[^0-9]", "logx", True),
    ("log[^0-9]", "log7", False),
    ("[ab]c", "bc", True),
    ("[\\]x]", "]", True),  # escaped "]" is a class member
    # Regexp metacharacters that are not glob syntax are literal.
    (".dockerignore", "xdockerignore", False),
    (".dockerignore", ".dockerignore", True),
    ("pkg+extra(1)", "pkg+extra(1)", True),
    ("v1.2|3", "v1.2|3", True),
    # "\\" escapes the next character.
    ("star\\*", "star*", True),
    ("star\\*", "starry", False),
    # Cleaning: leading "/", "./", trailing "/" and ".." collapse.
    ("/docs", "docs/index.md", True),
    ("./docs/", "docs/index.md", True),
    ("docs/../build", "build/out.o", True),
    ("a//b", "a/b", True),
    # Leading and trailing whitespace is trimmed, inner whitespace kept.
    ("   notes.txt\t", "notes.txt", True),
    ("my file", "my file", True),
    ("my file", "myfile", False),
    # Exact names only match that path (and what is below it).
    ("dist", "dist/app.whl", True),
    ("dist", "src/dist", False),
    ("dist", "distribution", False),
]


@pytest.mark.parametrize(("pattern", "path", "want"), SINGLE, ids=[f"{p}|{t}" for p, t, _ in SINGLE])
def test_single_pattern(pattern: str, path: str, want: bool) -> None:
    assert excluded([pattern], path) is want


MULTI = [
    # Later lines win: an exception after a rule re-includes.
    (["*.md", "!README.md"], "README.md", False),
    (["*.md", "!README.md"], "CHANGES.md", True),
    # An exception before the rule it should override has no effect.
    (["!README.md", "*.md"], "README.md", True),
    # An excluded directory with an exception for a file inside it.
    (["docs", "!docs/api.md"], "docs/api.md", False),
    (["docs", "!docs/api.md"], "docs/guide.md", True),
    (["docs/", "!docs/api.md"], "docs/api.md", False),
    (["docs/*", "!docs/api.md"], "docs/api.md", False),
    # Exclude everything, then re-include a directory and what is below it.
    (["**", "!src"], "src/pkg/mod.py", False),
    (["**", "!src"], "tests/test_a.py", True),
    (["*", "!src", "src/secret.txt"], "src/secret.txt", True),
    # An exception matching a parent directory re-includes its children.
    (["build/*", "!build/keep"], "build/keep/x.o", False),
    (["build/*", "!build/keep"], "build/drop/x.o", True),
    # Exception with a glob.
    (["**/*.txt", "!**/keep*.txt"], "a/b/keep-me.txt", False),
    (["**/*.txt", "!**/keep*.txt"], "a/b/other.txt", True),
    # Comments and blank lines are not rules; "#" only counts at column 1.
    (["# *.py", "", "x"], "main.py", False),
    ([" # main.py"], "# main.py", True),
    # Nothing excludes the context root.
    (["**"], ".", False),
    (["*"], "./", False),
]


@pytest.mark.parametrize(("lines", "path", "want"), MULTI, ids=[f"{'|'.join(ls)}:{t}" for ls, t, _ in MULTI])
def test_pattern_lists(lines: list[str], path: str, want: bool) -> None:
    assert excluded(lines, path) is want


def test_parent_results_carry_over_like_buildkit() -> None:
    # BuildKit evaluates "a" first; "!a" re-includes it, and that result is
    # inherited by "a/b", where "a/b" then excludes again.  The deprecated
    # Matches() would answer differently; the walk must agree with excluded().
    lines = ["a/b", "!a"]
    matcher = Matcher(parse_dockerignore("\n".join(lines)))
    info_a = matcher.step("a", None)
    assert info_a == (False, (False, False))  # "!a" is skipped: nothing excluded yet
    assert matcher.step("a/b", info_a[1])[0] is True
    assert matcher.excluded("a/b") is True


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("!", '"!"'),
        ("! ", '"!"'),
        ("[", "class"),
        ("[]a]", "class"),
        ("[x-]", "class"),
        ("[^", "class"),
        ("abc\\", "trailing backslash"),
        ("a[z-a]", "range"),
    ],
)
def test_bad_patterns_raise_with_line(pattern: str, reason: str) -> None:
    with pytest.raises(DockerignoreError) as info:
        parse_dockerignore(f"# ok\nfine\n{pattern}\n", "ctx/.dockerignore")
    assert info.value.line == 3
    assert info.value.path == "ctx/.dockerignore"
    assert reason in info.value.reason
    assert str(info.value).startswith("ctx/.dockerignore:3:")


def test_parse_keeps_every_line() -> None:
    text = "\ufeff# header\r\n\r\n/node_modules/\r\n  !keep.txt  \r\nlast"
    patterns = parse_dockerignore(text)
    assert [p.line for p in patterns] == [1, 2, 3, 4, 5]
    assert [p.raw for p in patterns] == ["\ufeff# header", "", "/node_modules/", "  !keep.txt  ", "last"]
    assert [p.pattern for p in patterns] == [None, None, "node_modules", "keep.txt", "last"]
    assert [p.exclusion for p in patterns] == [False, False, False, True, False]


def test_bom_only_stripped_on_first_line() -> None:
    # With the BOM removed the first line is a comment; on line 2 it is not.
    first, second = parse_dockerignore("\ufeff#c\n\ufeff#d\n")
    assert first.pattern is None
    assert second.pattern == "\ufeff#d"


def test_exclusion_whitespace_and_root() -> None:
    (rule,) = parse_dockerignore("!  /abs/path/ ")
    assert (rule.pattern, rule.exclusion) == ("abs/path", True)
    (root,) = parse_dockerignore("/")
    assert root.pattern == "/"  # cleaned "/" keeps its slash and matches nothing
    assert not Matcher([root]).excluded("anything")


@pytest.mark.parametrize(
    ("path", "want"),
    [("", "."), ("a/./b/", "a/b"), ("/../x", "/x"), ("a/../../b", "../b"), ("//a//b", "/a/b"), ("a/b/..", "a")],
)
def test_go_clean(path: str, want: str) -> None:
    assert go_clean(path) == want


def test_regexp_escapes_follow_go() -> None:
    # "\d" reaches Go's regexp as a digit class, not a literal "d".
    assert excluded(["v\\d"], "v7") is True
    assert excluded(["v\\d"], "vd") is False
    # POSIX classes inside brackets are understood by Go's regexp.
    assert excluded(["[[:upper:]]*"], "Makefile") is True
    assert excluded(["[[:upper:]]*"], "makefile") is False
    # An unknown escape is a regexp compile error, hence a bad pattern.
    with pytest.raises(DockerignoreError):
        parse_dockerignore("a\\y")


def make_tree(root: Path, files: dict[str, int]) -> None:
    for rel, size in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * size)


def test_walk_context_sizes_and_order(tmp_path: Path) -> None:
    make_tree(tmp_path, {"b.txt": 3, "a/z.py": 5, "a/y.pyc": 7, ".git/HEAD": 11})
    matcher = Matcher(parse_dockerignore(".git\n**/*.pyc\n"))
    assert list(walk_context(tmp_path, matcher)) == [("a/z.py", 5), ("b.txt", 3)]


def test_walk_prunes_excluded_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_tree(tmp_path, {"keep.txt": 1, "node_modules/pkg/index.js": 1, "docs/a.md": 1, "docs/api/b.md": 1})
    seen: list[str] = []
    real = Matcher.step

    def spy(self: Matcher, path: str, parent: tuple[bool, ...] | None) -> tuple[bool, tuple[bool, ...]]:
        seen.append(path)
        return real(self, path, parent)

    monkeypatch.setattr(Matcher, "step", spy)
    matcher = Matcher(parse_dockerignore("node_modules\ndocs\n!docs/api\n"))
    assert [rel for rel, _ in walk_context(tmp_path, matcher)] == ["docs/api/b.md", "keep.txt"]
    assert "node_modules/pkg" not in seen  # pruned: no exception reaches inside
    assert "docs/a.md" in seen  # entered: "!docs/api" lies inside docs


def test_walk_enters_dirs_when_exception_has_glob(tmp_path: Path) -> None:
    make_tree(tmp_path, {"vendor/x/keep.cfg": 2, "vendor/x/drop.bin": 9})
    matcher = Matcher(parse_dockerignore("vendor\n!**/*.cfg\n"))
    assert matcher.prunes("vendor") is False
    assert list(walk_context(tmp_path, matcher)) == [("vendor/x/keep.cfg", 2)]


def test_walk_does_not_follow_symlinks(tmp_path: Path) -> None:
    make_tree(tmp_path, {"real/data.bin": 100})
    (tmp_path / "link").symlink_to("real", target_is_directory=True)
    walked = dict(walk_context(tmp_path, Matcher([])))
    assert walked["real/data.bin"] == 100
    assert "link" in walked and "link/data.bin" not in walked


names = st.text(alphabet="abc.-_", min_size=1, max_size=4).filter(lambda s: s not in {".", ".."})
paths = st.lists(names, min_size=1, max_size=4).map("/".join)


@given(st.lists(st.tuples(st.booleans(), paths), max_size=5), paths)
def test_excluded_agrees_with_parent_chain(rules: list[tuple[bool, str]], path: str) -> None:
    """excluded() equals stepping through every parent as the walker does."""
    text = "\n".join(("!" if neg else "") + p for neg, p in rules)
    matcher = Matcher(parse_dockerignore(text))
    parts = path.split("/")
    info = None
    pruned = False
    for depth in range(1, len(parts)):
        hit, info = matcher.step("/".join(parts[:depth]), info)
        pruned = pruned or (hit and matcher.prunes("/".join(parts[:depth])))
    assert matcher.excluded(path) == (pruned or matcher.step(path, info)[0])


@given(paths)
def test_a_literal_path_pattern_excludes_itself_and_below(path: str) -> None:
    matcher = Matcher(parse_dockerignore(path))
    assert matcher.excluded(path)
    assert matcher.excluded(path + "/child")


rule_text = st.sampled_from(["a", "b/c", "*.x", "**/c", "a/**", "a/c", "?", "[ab]", "b", "**/*.x", "c*"])
small_paths = st.lists(st.sampled_from(["a", "b", "c", "c.x"]), min_size=1, max_size=3).map("/".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    files=st.lists(small_paths, min_size=1, max_size=6), rules=st.lists(st.tuples(st.booleans(), rule_text), max_size=4)
)
def test_walk_sends_exactly_what_excluded_allows(
    tmp_path_factory: pytest.TempPathFactory, files: list[str], rules: list[tuple[bool, str]]
) -> None:
    root = tmp_path_factory.mktemp("ctx")
    created = set()
    for rel in files:
        path = root / rel
        if any(parent.is_file() for parent in path.parents) or path.is_dir():
            continue  # a name already used as a file or a directory
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
        created.add(rel)
    matcher = Matcher(parse_dockerignore("\n".join(("!" if neg else "") + text for neg, text in rules)))
    assert {rel for rel, _ in walk_context(root, matcher)} == {rel for rel in created if not matcher.excluded(rel)}


def test_read_dockerignore_rejects_bad_utf8(tmp_path: Path) -> None:
    file = tmp_path / ".dockerignore"
    file.write_bytes(b"ok\n\xff\n")
    with pytest.raises(DockerignoreError) as info:
        read_dockerignore(file)
    assert info.value.line == 2
    assert "UTF-8" in info.value.reason


def test_find_ignore_file_prefers_dockerfile_specific(tmp_path: Path) -> None:
    (tmp_path / "docker").mkdir()
    dockerfile = tmp_path / "docker" / "api.Dockerfile"
    dockerfile.write_text("FROM scratch\n")
    assert find_ignore_file(tmp_path, dockerfile) is None
    (tmp_path / ".dockerignore").write_text("x\n")
    assert find_ignore_file(tmp_path, dockerfile) == tmp_path / ".dockerignore"
    specific = tmp_path / "docker" / "api.Dockerfile.dockerignore"
    specific.write_text("y\n")
    assert find_ignore_file(tmp_path, dockerfile) == specific
    assert find_ignore_file(tmp_path, None) == tmp_path / ".dockerignore"


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "a/b", "b", "*", "a/*", "**/b", "b*", "a/b/c", "?", "**", "c/**", "!a/b", "!b"]), max_size=8),
    st.lists(st.sampled_from(["a", "b", "c", "ab"]), min_size=1, max_size=4),
    st.lists(st.booleans(), max_size=8),
)
def test_step_without_exceptions_is_the_rules_tried_in_order(lines: list[str], parts: list[str], hits: list[bool]) -> None:
    """The exact-rule lookup answers what trying every rule in order answers, with any parent results."""
    matcher = Matcher(parse_dockerignore("\n".join(lines)))
    parent = None if not hits else tuple((hits * len(matcher.rules))[: len(matcher.rules)])
    path = "/".join(parts)
    assert matcher.step(path, parent) == matcher._step_in_order(path, parent)


def test_step_looks_up_exact_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """A long list of literal lines is not tried one by one for every path."""
    matcher = Matcher(parse_dockerignore("\n".join(f"data/file{k}.bin" for k in range(500)) + "\n**/*.pyc\n"))
    tried = []
    others = {id(rule) for _, rule in matcher._others}
    real = Pattern.matches  # a slotted record: count the tries on the class, for these rules only

    def counted(rule: Pattern, path: str) -> bool:
        if id(rule) in others:
            tried.append(path)
        return real(rule, path)

    monkeypatch.setattr(Pattern, "matches", counted)
    assert matcher.step("data/file7.bin", None)[0] and not matcher.step("src/app.py", None)[0]
    assert matcher.step("src/x.pyc", None) == (True, (False,) * 500 + (True,))
    assert tried == ["src/app.py", "src/x.pyc"]  # the one glob; the exact hit needs no try at all
