"""The transforms: one module per code, ``sfNNN_slug.py``, each with ``CODE`` and ``check``.

The catalog (``transforms/catalog.yaml``) describes every code; ``tests/test_catalog.py``
checks that the catalog and these modules agree.  Modules are found by name here so that a
run does not pay for reading YAML at start-up.
"""

from __future__ import annotations

import importlib
import os
from functools import lru_cache
from types import ModuleType


@lru_cache(maxsize=1)
def load_all() -> tuple[ModuleType, ...]:
    names = sorted(
        name[:-3]
        for name in os.listdir(__path__[0])
        if name.endswith(".py") and name[:2] == "sf" and name[2:5].isdigit()
    )
    return tuple(importlib.import_module(f"{__name__}.{name}") for name in names)
