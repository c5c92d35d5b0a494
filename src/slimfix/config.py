"""Configuration: ``.slimfix.yaml`` or ``[tool.slimfix]`` in ``pyproject.toml``.

The nearest one from the file's folder upward wins (a ``pyproject.toml`` without a
``[tool.slimfix]`` table does not count).  Precedence: defaults < that file < the command
line.  A bad key or value is a ``ConfigError`` naming the file, the line and the key.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from slimfix.engine import Settings
from slimfix.errors import ConfigError

NAMES = (".slimfix.yaml", ".slimfix.yml")
KEYS = ("select", "ignore", "unsafe-fixes", "cache", "cache-stages", "extend-exclude", "per-file-overrides")
OVERRIDE_KEYS = ("select", "ignore", "unsafe-fixes", "cache", "cache-stages")

STARTER = """\
# slimfix configuration (https://github.com/slimfix/slimfix). Every key is optional.

# Codes or prefixes to run (default: all). `slimfix rules` lists them.
# select: [SF0, SF1, SF2, SF3, SF4]

# Codes or prefixes to skip.
ignore: []

# Also apply fixes that may change what the image does (e.g. --no-install-recommends).
unsafe-fixes: false

# How package-manager caches are kept out of the image:
#   clean:  cleanup flags (apt lists removed, pip --no-cache-dir, ...)
#   mounts: BuildKit cache mounts (RUN --mount=type=cache,...)
cache: clean

# Per build stage override of `cache`, by stage name.
# cache-stages:
#   builder: mounts

# More files to leave alone (gitignore-style globs, relative to this file).
extend-exclude: []

# Settings for some files only (globs relative to this file).
# per-file-overrides:
#   "docker/dev.Dockerfile":
#     ignore: [SF402]
"""


class Config:
    __slots__ = ("path", "data", "lines")

    def __init__(self, path: Path | None, data: dict[str, Any], lines: dict[str, int]) -> None:
        self.path = path  # None: no file found, the defaults
        self.data = data
        self.lines = lines  # key -> line, for messages

    @property
    def root(self) -> Path:
        return self.path.parent if self.path else Path.cwd()


def find_config(start: Path) -> Path | None:
    """The config file for ``start`` (a file or folder): the nearest in it or its parents.

    Within a command-line run (``buildcontext.run_cache``) each folder is searched once: a
    batch of files in one folder does not stat every parent folder again per file, twice.
    """
    from slimfix.buildcontext import kept

    folder = start if start.is_dir() else start.parent
    return kept(folder, ("config",), lambda: _find_config(folder.resolve()))


def _find_config(folder: Path) -> Path | None:
    for candidate in (folder, *folder.parents):
        for name in NAMES:
            if (candidate / name).is_file():
                return candidate / name
        py = candidate / "pyproject.toml"
        if py.is_file() and _has_tool_table(py):
            return py
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return "[tool.slimfix" in text


@lru_cache(maxsize=64)
def read_config(path: Path) -> Config:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigError(str(path), 1, "not UTF-8 text") from None
    except OSError as exc:
        raise ConfigError(str(path), 1, f"cannot read: {exc.strerror}") from None
    if path.name == "pyproject.toml":
        data, lines = _read_toml(path, text)
    else:
        data, lines = _read_yaml(path, text)
    _validate(path, data, lines)
    return Config(path, data, lines)


def _read_yaml(path: Path, text: str) -> tuple[dict[str, Any], dict[str, int]]:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        data = YAML(typ="rt").load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise ConfigError(str(path), line, f"invalid YAML: {exc.problem or exc}") from None
    except YAMLError as exc:
        raise ConfigError(str(path), 1, f"invalid YAML: {exc}") from None
    if data is None:
        return {}, {}
    if not isinstance(data, dict):
        raise ConfigError(str(path), 1, "the configuration must be a mapping of keys to values")
    lines = {str(k): data.lc.key(k)[0] + 1 for k in data} if hasattr(data, "lc") else {}
    return _plain(data), lines


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _read_toml(path: Path, text: str) -> tuple[dict[str, Any], dict[str, int]]:
    import tomllib

    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _toml_line(str(exc))
        raise ConfigError(str(path), line, f"invalid TOML: {exc}") from None
    data = doc.get("tool", {}).get("slimfix", {})
    lines: dict[str, int] = {}
    in_table = False
    for number, raw in enumerate(text.split("\n"), 1):
        stripped = raw.strip()
        if stripped.startswith("["):
            in_table = stripped.startswith("[tool.slimfix")
            continue
        if in_table and "=" in stripped:
            key = stripped.split("=", 1)[0].strip().strip('"')
            lines.setdefault(key, number)
    return data, lines


def _toml_line(message: str) -> int:
    import re

    m = re.search(r"line (\d+)", message)
    return int(m.group(1)) if m else 1


def _validate(path: Path, data: dict[str, Any], lines: dict[str, int], keys: tuple[str, ...] = KEYS) -> None:
    for key, value in data.items():
        line = lines.get(key, 1)
        if key not in keys:
            hint = f"; known keys: {', '.join(keys)}"
            raise ConfigError(str(path), line, f"unknown key {key!r}{hint}")
        if key in ("select", "ignore", "extend-exclude"):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(str(path), line, f"{key!r} must be a list of strings")
        elif key == "unsafe-fixes":
            if not isinstance(value, bool):
                raise ConfigError(str(path), line, "'unsafe-fixes' must be true or false")
        elif key == "cache":
            if value not in ("clean", "mounts"):
                raise ConfigError(str(path), line, f"'cache' must be 'clean' or 'mounts', not {value!r}")
        elif key == "cache-stages":
            if not isinstance(value, dict) or not all(v in ("clean", "mounts") for v in value.values()):
                raise ConfigError(str(path), line, "'cache-stages' maps stage names to 'clean' or 'mounts'")
        elif key == "per-file-overrides":
            if not isinstance(value, dict):
                raise ConfigError(str(path), line, "'per-file-overrides' maps globs to settings")
            for pattern, sub in value.items():
                if not isinstance(sub, dict):
                    raise ConfigError(str(path), line, f"override {pattern!r} must be a mapping")
                _validate(path, sub, {k: line for k in sub}, OVERRIDE_KEYS)
    for key in ("select", "ignore"):
        for code in data.get(key) or ():
            if not code.upper().startswith("SF"):
                raise ConfigError(str(path), lines.get(key, 1), f"{key!r}: {code!r} is not a slimfix code (SF...)")


def config_for(path: Path | None, explicit: Path | None = None) -> Config:
    if explicit is not None:
        return read_config(explicit.resolve())
    found = find_config(path if path is not None else Path.cwd())
    return read_config(found) if found else Config(None, {}, {})


def _apply(settings: Settings, data: dict[str, Any]) -> Settings:
    changes: dict[str, Any] = {}
    if "select" in data:
        changes["select"] = frozenset(c.upper() for c in data["select"])
    if "ignore" in data:
        changes["ignore"] = settings.ignore | frozenset(c.upper() for c in data["ignore"])
    if "unsafe-fixes" in data:
        changes["unsafe_fixes"] = data["unsafe-fixes"]
    if "cache" in data:
        changes["cache"] = data["cache"]
    if "cache-stages" in data:
        changes["cache_stages"] = tuple(sorted(data["cache-stages"].items()))
    return settings.replace(**changes) if changes else settings


def _matches(config: Config, pattern: str, path: Path) -> bool:
    import pathspec

    try:
        rel = path.resolve().relative_to(config.root.resolve()).as_posix()
    except ValueError:
        rel = path.as_posix()
    return pathspec.GitIgnoreSpec.from_lines([pattern]).match_file(rel)


def load_settings(path: Path | None, explicit: Path | None = None) -> Settings:
    """The settings for one file: defaults, then the config file, then its per-file overrides."""
    config = config_for(path, explicit)
    settings = _apply(Settings(), config.data)
    if path is not None:
        for pattern, sub in (config.data.get("per-file-overrides") or {}).items():
            if _matches(config, pattern, path):
                settings = _apply(settings, sub)
    return settings


def is_excluded(path: Path, explicit: Path | None = None) -> bool:
    config = config_for(path, explicit)
    return any(_matches(config, p, path) for p in config.data.get("extend-exclude") or ())
