"""The transforms: one module per code, ``sfNNN_slug.py``, each with ``CODE`` and ``check``.

The catalog (``transforms/catalog.yaml``) describes every code; ``tests/test_catalog.py``
checks that the catalog and these modules agree.  Modules are found by name here so that a
run does not pay for reading YAML at start-up.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from types import ModuleType


@lru_cache(maxsize=1)
def load_all() -> tuple[ModuleType, ...]:
    names = sorted(
        m.name for m in pkgutil.iter_modules(__path__) if m.name[:2] == "sf" and m.name[2:5].isdigit()
    )
    return tuple(importlib.import_module(f"{__name__}.{name}") for name in names)
