"""Tests for slimfix.compose."""

from __future__ import annotations

from pathlib import Path

import pytest

from slimfix.compose import (
    ComposeError,
    Target,
    compose_builds,
    discover,
    find_compose_files,
    is_dockerfile_name,
    read_compose,
)


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_find_compose_files_orders_base_then_override(tmp_path: Path) -> None:
    write(tmp_path, {"docker-compose.yml": "", "compose.override.yaml": "", "compose.yaml": "", "other.yaml": ""})
    assert [p.name for p in find_compose_files(tmp_path)] == [
        "compose.yaml",
        "compose.override.yaml",
        "docker-compose.yml",
    ]


def test_build_string_is_the_context(tmp_path: Path) -> None:
    write(tmp_path, {"compose.yaml": "services:\n  web:\n    build: ./web\n  db:\n    image: postgres\n"})
    (build,) = compose_builds(tmp_path)
    assert (build.service, build.context, build.dockerfile) == ("web", tmp_path / "web", tmp_path / "web/Dockerfile")
    assert build.line == 2


def test_build_mapping_dockerfile_is_relative_to_context(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "docker-compose.yml": (
                "services:\n"
                "  api:\n"
                "    build:\n"
                "      context: ../repo\n"
                "      dockerfile: docker/api.Dockerfile\n"
                "  worker:\n"
                "    build:\n"
                "      dockerfile: worker.Dockerfile\n"
                "  abs:\n"
                "    build:\n"
                "      context: .\n"
                "      dockerfile: /opt/Dockerfile\n"
            )
        },
    )
    builds = {b.service: b for b in compose_builds(tmp_path)}
    assert builds["api"].context == tmp_path.parent / "repo"
    assert builds["api"].dockerfile == tmp_path.parent / "repo/docker/api.Dockerfile"
    assert builds["worker"].context == tmp_path
    assert builds["worker"].dockerfile == tmp_path / "worker.Dockerfile"
    assert builds["abs"].dockerfile == Path("/opt/Dockerfile")


def test_override_merges_fields(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": "services:\n  web:\n    build:\n      context: app\n",
            "compose.override.yaml": "services:\n  web:\n    build:\n      dockerfile: Dockerfile.dev\n",
        },
    )
    (build,) = compose_builds(tmp_path)
    assert build.context == tmp_path / "app"
    assert build.dockerfile == tmp_path / "app/Dockerfile.dev"
    assert build.compose_file == tmp_path / "compose.yaml"


def test_remote_inline_and_variable_builds_are_skipped(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yml": (
                "services:\n"
                "  remote:\n    build: https://github.com/o/r.git#main\n"
                "  inline:\n    build:\n      dockerfile_inline: 'FROM scratch'\n      context: ${CTX}\n"
                "  var:\n    build:\n      context: .\n      dockerfile: ${DF:-Dockerfile}\n"
                "  ok:\n    build: .\n"
            )
        },
    )
    assert [b.service for b in compose_builds(tmp_path)] == ["ok"]


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("services:\n  web:\n    build: [\n", 4, "expected"),
        ("services:\n  web: {build: .}\n  web: {build: x}\n", 3, "duplicate"),
        ("services:\n\tweb: 1\n", 2, "cannot start any token"),
        ("- a\n- b\n", 1, "top level must be a mapping"),
        ("services: [a]\n", 1, "services must be a mapping"),
        ("services:\n  web: 3\n", 2, "must be a mapping"),
        ("services:\n  web:\n    build: 3\n", 3, "string or a mapping"),
        ("services:\n  web:\n    build:\n      context: [x]\n", 4, "build.context"),
    ],
)
def test_errors_name_file_line_and_reason(tmp_path: Path, text: str, line: int, reason: str) -> None:
    path = tmp_path / "compose.yaml"
    path.write_text(text)
    with pytest.raises(ComposeError) as info:
        read_compose(path)
    assert info.value.path == path
    assert info.value.line == line
    assert reason in str(info.value).lower()
    assert str(info.value).startswith(f"{path}:{line}: ")


def test_non_utf8_compose_file(tmp_path: Path) -> None:
    path = tmp_path / "compose.yaml"
    path.write_bytes(b"services:\n  \xff: {}\n")
    with pytest.raises(ComposeError, match="UTF-8"):
        read_compose(path)


def test_empty_compose_file_has_no_builds(tmp_path: Path) -> None:
    write(tmp_path, {"compose.yaml": "# nothing yet\n"})
    assert compose_builds(tmp_path) == []


@pytest.mark.parametrize(
    ("name", "want"),
    [
        ("Dockerfile", True),
        ("Containerfile", True),
        ("api.Dockerfile", True),
        ("Dockerfile.dev", True),
        ("Dockerfile.dockerignore", False),
        ("api.Dockerfile.dockerignore", False),
        ("dockerfile", False),
        ("Dockerfiles", False),
        ("README.md", False),
    ],
)
def test_is_dockerfile_name(name: str, want: bool) -> None:
    assert is_dockerfile_name(name) is want


def test_discover_pairs_dockerfiles_with_contexts(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "Dockerfile": "FROM scratch\n",
            "services/api/Dockerfile": "FROM scratch\n",
            "services/api/Dockerfile.dockerignore": "x\n",
            "docker/worker.Dockerfile": "FROM scratch\n",
            "compose.yaml": (
                "services:\n"
                "  worker:\n    build:\n      context: .\n      dockerfile: docker/worker.Dockerfile\n"
                "  worker2:\n    build:\n      context: .\n      dockerfile: docker/worker.Dockerfile\n"
                "  odd:\n    build:\n      context: tools\n      dockerfile: build.docker\n"
                "  missing:\n    build: ./nowhere\n"
            ),
            "tools/build.docker": "FROM scratch\n",
        },
    )
    assert discover(tmp_path) == [
        Target(tmp_path / "Dockerfile", tmp_path),
        Target(tmp_path / "docker/worker.Dockerfile", tmp_path, ("worker", "worker2")),
        Target(tmp_path / "services/api/Dockerfile", tmp_path / "services/api"),
        Target(tmp_path / "tools/build.docker", tmp_path / "tools", ("odd",)),
    ]


def test_discover_one_target_per_context(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "app/Dockerfile": "FROM scratch\n",
            "compose.yaml": "services:\n  a:\n    build:\n      context: app\n"
            "  b:\n    build:\n      context: .\n      dockerfile: app/Dockerfile\n",
        },
    )
    assert discover(tmp_path) == [
        Target(tmp_path / "app/Dockerfile", tmp_path, ("b",)),
        Target(tmp_path / "app/Dockerfile", tmp_path / "app", ("a",)),
    ]


def test_discover_skips_gitignored_and_vendored(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            ".gitignore": "/generated/\n*.tmp.Dockerfile\n",
            "generated/Dockerfile": "",
            "x.tmp.Dockerfile": "",
            "node_modules/pkg/Dockerfile": "",
            ".venv/Dockerfile": "",
            "env311/pyvenv.cfg": "",
            "env311/Dockerfile": "",
            ".git/Dockerfile": "",
            "sub/.gitignore": "Dockerfile.*\n!Dockerfile.prod\n",
            "sub/Dockerfile.dev": "",
            "sub/Dockerfile.prod": "",
            "sub/generated/Dockerfile": "",  # "/generated/" is anchored at the root
            "keep/Containerfile": "",
        },
    )
    assert [t.dockerfile.relative_to(tmp_path).as_posix() for t in discover(tmp_path)] == [
        "keep/Containerfile",
        "sub/Dockerfile.prod",
        "sub/generated/Dockerfile",
    ]


def test_nested_gitignore_overrides_parent(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            ".gitignore": "Dockerfile.local\n",
            "a/.gitignore": "!Dockerfile.local\n",
            "a/Dockerfile.local": "",
            "b/Dockerfile.local": "",
        },
    )
    assert [t.dockerfile for t in discover(tmp_path)] == [tmp_path / "a/Dockerfile.local"]


def test_discover_reports_bad_compose_file(tmp_path: Path) -> None:
    write(tmp_path, {"svc/docker-compose.yml": "services:\n  x: [\n"})
    with pytest.raises(ComposeError) as info:
        discover(tmp_path)
    assert info.value.path == tmp_path / "svc/docker-compose.yml"
