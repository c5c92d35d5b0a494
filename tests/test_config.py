"""Configuration: discovery, precedence (CLI > nearest config > defaults), clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from slimfix.config import STARTER, find_config, is_excluded, load_settings, read_config
from slimfix.errors import ConfigError
from slimfix.runner import Options, settings_for
from test_cli import NAIVE, slimfix, write


def test_defaults_without_a_file(tmp_path: Path) -> None:
    s = load_settings(tmp_path / "Dockerfile")
    assert (s.select, s.ignore, s.unsafe_fixes, s.cache) == (None, frozenset(), False, "clean")


def test_nearest_file_wins(tmp_path: Path) -> None:
    write(tmp_path / ".slimfix.yaml", "ignore: [SF101]\n")
    sub = tmp_path / "svc"
    sub.mkdir()
    write(sub / ".slimfix.yaml", "ignore: [SF102]\ncache: mounts\n")
    assert find_config(sub / "Dockerfile") == (sub / ".slimfix.yaml").resolve()
    s = load_settings(sub / "Dockerfile")
    assert s.ignore == frozenset({"SF102"}) and s.cache == "mounts"
    assert load_settings(tmp_path / "Dockerfile").ignore == frozenset({"SF101"})


def test_pyproject_table(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n\n[tool.slimfix]\nunsafe-fixes = true\nselect = ["SF4"]\n')
    s = load_settings(tmp_path / "Dockerfile")
    assert s.unsafe_fixes is True and s.select == frozenset({"SF4"})


def test_pyproject_without_table_is_skipped(tmp_path: Path) -> None:
    write(tmp_path / ".slimfix.yaml", "cache: mounts\n")
    sub = tmp_path / "pkg"
    sub.mkdir()
    write(sub / "pyproject.toml", '[project]\nname = "x"\n')
    assert load_settings(sub / "Dockerfile").cache == "mounts"


def test_cli_flags_beat_the_file(tmp_path: Path) -> None:
    write(tmp_path / ".slimfix.yaml", "unsafe-fixes: true\ncache: mounts\nselect: [SF1]\n")
    f = tmp_path / "Dockerfile"
    s = settings_for(Options([str(f)], unsafe_fixes=False, cache="clean", select=frozenset({"SF4"})), f)
    assert (s.unsafe_fixes, s.cache, s.select) == (False, "clean", frozenset({"SF4"}))
    s = settings_for(Options([str(f)]), f)
    assert (s.unsafe_fixes, s.cache, s.select) == (True, "mounts", frozenset({"SF1"}))


def test_per_file_overrides_and_exclude(tmp_path: Path) -> None:
    write(
        tmp_path / ".slimfix.yaml",
        "extend-exclude: ['vendor/**']\nper-file-overrides:\n  'docker/dev.Dockerfile':\n    ignore: [SF402]\n    unsafe-fixes: true\n",
    )
    dev = tmp_path / "docker" / "dev.Dockerfile"
    assert load_settings(dev).ignore == frozenset({"SF402"}) and load_settings(dev).unsafe_fixes
    assert load_settings(tmp_path / "docker" / "prod.Dockerfile").ignore == frozenset()
    assert is_excluded(tmp_path / "vendor" / "x" / "Dockerfile")
    assert not is_excluded(tmp_path / "Dockerfile")


def test_excluded_files_are_left_alone(tmp_path: Path) -> None:
    write(tmp_path / ".slimfix.yaml", "extend-exclude: ['legacy/']\n")
    (tmp_path / "legacy").mkdir()
    write(tmp_path / "legacy" / "Dockerfile", NAIVE)
    write(tmp_path / "Dockerfile", NAIVE)
    r = slimfix("--check", str(tmp_path), "--select", "SF403")
    assert r.returncode == 1
    assert b"legacy" not in r.stderr and b"would rewrite" in r.stderr


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("selec: [SF1]\n", 1, "unknown key 'selec'"),
        ("ignore: []\ncache: sometimes\n", 2, "'cache' must be 'clean' or 'mounts'"),
        ("unsafe-fixes: yes please\n", 1, "'unsafe-fixes' must be true or false"),
        ("select: SF1\n", 1, "'select' must be a list of strings"),
        ("select: [E501]\n", 1, "is not a slimfix code"),
        ("per-file-overrides:\n  'x':\n    colour: red\n", 1, "unknown key 'colour'"),
        ("cache-stages:\n  builder: always\n", 1, "'cache-stages'"),
        ("select: [SF1\n", 2, "invalid YAML"),
        ("- a\n- b\n", 1, "must be a mapping"),
    ],
)
def test_bad_yaml_config(tmp_path: Path, text: str, line: int, fragment: str) -> None:
    path = write(tmp_path / ".slimfix.yaml", text)
    with pytest.raises(ConfigError) as info:
        read_config(path.resolve())
    assert info.value.line == line and fragment in info.value.reason
    assert str(info.value).startswith(f"{path.resolve()}:{line}: ")


def test_bad_toml_config(tmp_path: Path) -> None:
    path = write(tmp_path / "pyproject.toml", "[tool.slimfix]\nselect = [\"SF1\"]\ncache = 3\n")
    with pytest.raises(ConfigError) as info:
        read_config(path.resolve())
    assert info.value.line == 3 and "'cache'" in info.value.reason
    broken = write(tmp_path / "pyproject.toml", "[tool.slimfix]\nselect = [\n")
    read_config.cache_clear()
    with pytest.raises(ConfigError) as info:
        read_config(broken.resolve())
    assert "invalid TOML" in info.value.reason


def test_bad_config_through_the_cli(tmp_path: Path) -> None:
    write(tmp_path / ".slimfix.yaml", "ignore: [SF1]\nbogus: 1\n")
    f = write(tmp_path / "Dockerfile", NAIVE)
    r = slimfix("--write", str(f))
    assert r.returncode == 2
    assert f"{(tmp_path / '.slimfix.yaml').resolve()}:2: unknown key 'bogus'".encode() in r.stderr
    assert f.read_text() == NAIVE
    # stdin mode: the buffer comes back unchanged
    r = slimfix("-", "--stdin-filename", str(f), stdin=NAIVE.encode())
    assert (r.returncode, r.stdout.decode()) == (2, NAIVE)


def test_config_init_writes_a_valid_starter(tmp_path: Path) -> None:
    r = slimfix("config", "--init", cwd=tmp_path)
    assert r.returncode == 0
    written = tmp_path / ".slimfix.yaml"
    assert written.read_text() == STARTER
    cfg = read_config(written.resolve())
    assert cfg.data["cache"] == "clean" and cfg.data["unsafe-fixes"] is False
    assert slimfix("config", "--init", cwd=tmp_path).returncode == 2  # never overwrites


def test_a_run_searches_each_folder_for_its_config_once_and_editors_every_time(tmp_path, monkeypatch) -> None:
    from slimfix import config
    from slimfix.buildcontext import run_cache

    (tmp_path / ".slimfix.yaml").write_text("ignore: [SF101]\n")
    files = []
    for k in range(5):
        f = tmp_path / f"{k}.Dockerfile"
        f.write_text("FROM debian\n")
        files.append(f)
    searched: list[Path] = []
    real = config._find_config
    monkeypatch.setattr(config, "_find_config", lambda folder: searched.append(folder) or real(folder))
    with run_cache():
        assert {config.config_for(f).path for f in files * 2} == {tmp_path / ".slimfix.yaml"}
    assert searched == [tmp_path.resolve()]
    config.config_for(files[0])
    config.config_for(files[0])
    assert len(searched) == 3  # outside a run (the language server, the library): always afresh
