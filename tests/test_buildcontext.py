"""Tests for slimfix.buildcontext."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slimfix.buildcontext import Proposal, context_size, needed_paths, propose, render
from slimfix.dockerignore import Matcher, parse_dockerignore

PRIVATE_KEY = b"-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n"
CERTIFICATE = b"-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n"


def make_tree(root: Path, files: dict[str, bytes | int]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * content if isinstance(content, int) else content)


def patterns(context: Path, existing: str = "", needed: list[str] | None = None, node: bool = False) -> list[str]:
    return [p.pattern for p in propose(context, parse_dockerignore(existing), needed or [], node)]


@pytest.mark.parametrize(
    ("files", "want"),
    [
        ({".git/HEAD": b"ref", "app.py": b""}, [".git"]),
        ({".hg/store/x": b"", "sub/.svn/entries": b""}, [".hg", "**/.svn"]),
        ({"src/pkg/__pycache__/m.pyc": b"", "__pycache__/t.pyc": b""}, ["**/__pycache__"]),
        ({"old.pyc": b"", "lib/legacy.pyo": b""}, ["*.pyc", "**/*.pyo"]),
        (
            {".pytest_cache/v": b"", ".mypy_cache/x": b"", ".ruff_cache/x": b"", ".tox/x": b"", ".nox/x": b""},
            [".mypy_cache", ".nox", ".pytest_cache", ".ruff_cache", ".tox"],
        ),
        ({".coverage": b"", "htmlcov/index.html": b"", ".hypothesis/db": b""}, [".coverage", ".hypothesis", "htmlcov"]),
        ({".idea/ws.xml": b"", "pkg/.vscode/s.json": b"", "a/.main.py.swp": b""}, [".idea", "**/.vscode", "**/*.swp"]),
        ({".DS_Store": b"", "img/Thumbs.db": b""}, ["**/Thumbs.db", ".DS_Store"]),
    ],
    ids=["vcs", "vcs-nested", "pycache", "pyc", "caches", "coverage", "editor", "os"],
)
def test_name_based_categories(tmp_path: Path, files: dict[str, bytes], want: list[str]) -> None:
    make_tree(tmp_path, files)
    assert sorted(patterns(tmp_path)) == sorted(want)


def test_virtualenv_found_by_pyvenv_cfg_under_any_name(tmp_path: Path) -> None:
    make_tree(tmp_path, {"pyenv311/pyvenv.cfg": b"home=/usr", "pyenv311/lib/x.py": b"", "tools/env/pyvenv.cfg": b""})
    make_tree(tmp_path, {"venv_lookalike/lib/x.py": b""})  # no pyvenv.cfg: kept
    got = propose(tmp_path, [], [], False)
    assert [(p.pattern, p.category) for p in got] == [("pyenv311", "venv"), ("tools/env", "venv")]


def test_node_modules_only_when_the_image_installs(tmp_path: Path) -> None:
    make_tree(tmp_path, {"node_modules/a/index.js": b"", "web/node_modules/b/i.js": b""})
    assert patterns(tmp_path, node=False) == []
    assert patterns(tmp_path, node=True) == ["**/node_modules"]


def test_build_outputs_only_when_obvious(tmp_path: Path) -> None:
    make_tree(
        tmp_path,
        {
            "pyproject.toml": b"[project]\n",
            "dist/app-1.0-py3-none-any.whl": b"",
            "dist/app-1.0.tar.gz": b"",
            "build/lib/app/__init__.py": b"",
            "app.egg-info/PKG-INFO": b"",
            "rust/Cargo.toml": b"",
            "rust/target/release/app": b"",
            # A "build" folder of scripts and a "target" without Cargo.toml are source.
            "tools/build/run.sh": b"",
            "java/target/classes/A.class": b"",
        },
    )
    got = {p.pattern: p for p in propose(tmp_path, [], [], False)}
    assert sorted(got) == ["*.egg-info", "build", "dist", "rust/target"]
    assert all(p.risky and p.category == "build" for p in got.values())


def test_dist_with_other_files_is_not_build_output(tmp_path: Path) -> None:
    make_tree(tmp_path, {"setup.py": b"", "dist/app.whl": b"", "dist/README.md": b""})
    assert patterns(tmp_path) == []


def test_cachedir_tag_marks_a_cache(tmp_path: Path) -> None:
    make_tree(tmp_path, {"out/CACHEDIR.TAG": b"Signature: 8a477f597d28d172789f06886806bc55\n", "out/x": b""})
    make_tree(tmp_path, {"fake/CACHEDIR.TAG": b"not a tag"})
    assert patterns(tmp_path) == ["out"]


def test_secrets(tmp_path: Path) -> None:
    make_tree(
        tmp_path,
        {
            ".env": b"A=1",
            "svc/.env.production": b"A=1",
            ".env.example": b"A=",  # a template, meant to be shared
            "keys/id_ed25519": b"k",
            "id_rsa": b"k",
            "tls/server.key": PRIVATE_KEY,
            "tls/server.pem": CERTIFICATE,  # a certificate is public
        },
    )
    got = propose(tmp_path, [], [], False)
    assert {p.pattern for p in got} == {".env", "**/.env.production", "**/id_ed25519", "id_rsa", "tls/server.key"}
    assert all(p.category == "secret" and p.risky for p in got)


def test_large_files_over_one_mebibyte(tmp_path: Path) -> None:
    make_tree(tmp_path, {"data/big.bin": 1024 * 1024 + 1, "data/edge.bin": 1024 * 1024, "small.txt": 10})
    got = propose(tmp_path, [], [], False)
    assert [(p.pattern, p.category, p.reason) for p in got] == [("data/big.bin", "large", "large file (1.0 MiB)")]


def test_large_file_named_by_copy_is_kept(tmp_path: Path) -> None:
    make_tree(tmp_path, {"model.onnx": 2 * 1024 * 1024, "other.bin": 2 * 1024 * 1024})
    assert patterns(tmp_path, needed=["model.onnx"]) == ["other.bin"]


def test_copy_dot_protects_nothing(tmp_path: Path) -> None:
    make_tree(tmp_path, {".git/HEAD": b"", "huge.bin": 2 * 1024 * 1024})
    assert patterns(tmp_path, needed=[".", "./"]) == [".git", "huge.bin"]


def test_named_directory_keeps_risky_contents_but_loses_junk(tmp_path: Path) -> None:
    make_tree(
        tmp_path,
        {
            "src/app.py": b"",
            "src/__pycache__/app.pyc": b"",
            "src/model.bin": 2 * 1024 * 1024,
            "src/.env": b"A=1",
            "deploy/.env": b"A=1",
        },
    )
    got = patterns(tmp_path, needed=["src/"])
    # __pycache__ under src/ goes; the large file and .env inside src/ stay.
    assert got == ["**/__pycache__", "deploy/.env"]


def test_source_inside_a_junk_dir_blocks_it(tmp_path: Path) -> None:
    make_tree(tmp_path, {".git/HEAD": b"ref", "a/__pycache__/x.pyc": b"", "b/__pycache__/y.pyc": b""})
    assert patterns(tmp_path, needed=[".git/HEAD", "b/__pycache__/y.pyc"]) == ["a/__pycache__"]


def test_glob_sources_are_expanded(tmp_path: Path) -> None:
    make_tree(tmp_path, {"pyproject.toml": b"", "dist/app-1.whl": b"", "wheels/z.whl": 2 * 1024 * 1024})
    assert needed_paths(tmp_path, ["dist/*.whl", "whe?ls/[a-z].whl", "./req.txt", "/abs/x"]) == [
        "abs/x",
        "dist/app-1.whl",
        "req.txt",
        "wheels/z.whl",
    ]
    assert patterns(tmp_path, needed=["dist/*.whl", "wheels/*"]) == []


def test_missing_literal_source_still_protected(tmp_path: Path) -> None:
    # COPY names out.pyc, which a previous step may create; "*.pyc" would hide it.
    make_tree(tmp_path, {"a.pyc": b""})
    assert patterns(tmp_path, needed=["out.pyc"]) == ["a.pyc"]


def test_existing_rules_are_respected(tmp_path: Path) -> None:
    make_tree(tmp_path, {".git/HEAD": b"", ".env.local": b"", "__pycache__/x.pyc": b""})
    # .git already ignored; .env.local re-included on purpose by the user.
    assert patterns(tmp_path, existing=".git\n.env*\n!.env.local\n") == ["__pycache__"]


def test_vcs_is_risky_when_versions_come_from_git(tmp_path: Path) -> None:
    make_tree(tmp_path, {".git/HEAD": b"", "pyproject.toml": b'[tool.setuptools_scm]\nversion_file = "v.py"\n'})
    (proposal,) = propose(tmp_path, [], [], False)
    assert proposal.risky and "version" in proposal.reason


def test_special_characters_in_names_are_escaped(tmp_path: Path) -> None:
    make_tree(tmp_path, {"odd[1]*.bin": 2 * 1024 * 1024, "#hash.bin": 2 * 1024 * 1024, "!bang.bin": 2 * 1024 * 1024})
    got = patterns(tmp_path)
    matcher = Matcher(parse_dockerignore("\n".join(got)))
    assert matcher.excluded("odd[1]*.bin") and matcher.excluded("#hash.bin") and matcher.excluded("!bang.bin")
    assert not matcher.excluded("odd1x.bin")
    assert len(got) == 3


def test_proposals_are_deterministic_and_idempotent(tmp_path: Path) -> None:
    make_tree(tmp_path, {".git/HEAD": b"", "a/__pycache__/x.pyc": b"", "b/.DS_Store": b"", "x.bin": 2 * 1024 * 1024})
    first = propose(tmp_path, [], [], False)
    assert first == propose(tmp_path, [], [], False)
    text = render("", first)
    assert propose(tmp_path, parse_dockerignore(text), [], False) == []


def test_render_keeps_existing_bytes_and_newline_style() -> None:
    existing = "# mine\r\nnode_modules\r\n\r\n!keep"
    proposals = [
        Proposal(".git", "version control metadata", "vcs"),
        Proposal("x.bin", "large file (2.0 MiB)", "large", risky=True),
    ]
    out = render(existing, proposals)
    assert out.startswith(existing)
    assert out[len(existing) :] == (
        "\r\n\r\n# added by slimfix\r\n# version control metadata\r\n.git\r\n# large file (2.0 MiB)\r\nx.bin\r\n"
    )
    assert render(existing, []) == existing
    assert render("", proposals[:1]) == "# added by slimfix\n# version control metadata\n.git\n"
    assert render("a\n", proposals[:1]) == "a\n\n# added by slimfix\n# version control metadata\n.git\n"


def test_context_size_before_and_after(tmp_path: Path) -> None:
    make_tree(tmp_path, {".git/objects/pack": 500, "app.py": 20, "__pycache__/app.pyc": 30})
    assert context_size(tmp_path, Matcher([])) == (3, 550)
    text = render("", propose(tmp_path, [], [], False))
    assert context_size(tmp_path, Matcher(parse_dockerignore(text))) == (1, 20)


# A property: whatever the tree and the sources, no named path is newly excluded.
JUNK = [".git/HEAD", "__pycache__/m.pyc", ".env", "big.bin", "x.pyc", ".venv/pyvenv.cfg", "node_modules/i.js"]
segments = st.sampled_from(["", "src/", "src/pkg/", "web/", "docs/"])
files = st.lists(st.tuples(segments, st.sampled_from([*JUNK, "app.py", "README.md"])), min_size=1, max_size=8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=files, data=st.data())
def test_never_excludes_a_needed_path(tmp_path_factory: pytest.TempPathFactory, files, data) -> None:
    root = tmp_path_factory.mktemp("ctx")
    tree: dict[str, bytes | int] = {}
    for folder, name in files:
        tree[folder + name] = 2 * 1024 * 1024 if name == "big.bin" else b"x"
    make_tree(root, tree)
    candidates = sorted({*tree, *(path.rsplit("/", 1)[0] for path in tree if "/" in path)})
    needed = data.draw(st.lists(st.sampled_from(candidates), max_size=3))
    existing = parse_dockerignore(data.draw(st.sampled_from(["", "docs\n", "*.md\n!README.md\n"])))
    node = data.draw(st.booleans())
    proposals = propose(root, existing, needed, node)
    before = Matcher(existing)
    after = Matcher([*existing, *parse_dockerignore("\n".join(p.pattern for p in proposals))])
    for path in needed:
        assert after.excluded(path) == before.excluded(path), (path, proposals)
        for sub in tree:
            # Inside a named directory only harmless junk may go.
            if sub.startswith(path + "/") and not before.excluded(sub) and after.excluded(sub):
                assert not any(p.risky and after_only(p, sub) for p in proposals), (sub, proposals)


def after_only(proposal: Proposal, path: str) -> bool:
    return Matcher(parse_dockerignore(proposal.pattern)).excluded(path)
