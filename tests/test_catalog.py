"""The catalog, the transform modules and golden/ describe the same set of codes."""

from __future__ import annotations

import importlib

import pytest

from golden import GOLDEN
from slimfix import catalog
from slimfix.transforms import load_all

REQUIRED = ("slug", "module", "summary", "why", "effect", "safety", "safety_reason", "example")


def test_catalog_and_modules_agree() -> None:
    entries = catalog.load()
    module_codes = {m.CODE for m in load_all()}
    transform_codes = {c for c, e in entries.items() if e["module"].startswith("slimfix.transforms.")}
    assert transform_codes == module_codes


@pytest.mark.parametrize("code", sorted(catalog.load()))
def test_entry_is_complete(code: str) -> None:
    e = catalog.entry(code)
    for key in REQUIRED:
        assert e.get(key), f"{code} lacks {key}"
    assert e["safety"] in ("safe", "unsafe", "mixed", "display-only")
    module = importlib.import_module(e["module"])
    assert module.CODE == code
    assert module.__doc__ and "Fix safety" in module.__doc__
    folders = [p for p in GOLDEN.glob(f"{code}-*") if p.is_dir()]
    assert [p.name for p in folders] == [f"{code}-{e['slug']}"], "one golden folder named CODE-slug"
    assert list(folders[0].glob("*.before.Dockerfile")), "at least one golden case"
