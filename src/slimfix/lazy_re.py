"""Regular expressions compiled on first use.

``slimfix -`` imports the transforms and the modules behind them on every save, where
compiling every pattern at import costs milliseconds that most runs never use.  A string
pattern passed to ``re.match`` is compiled once too, but each call first finds it in
``re``'s cache, which on a hot path (every package name of every install) costs more than
the match.  ``Lazy`` is both: nothing at import, then the compiled pattern's own methods.
"""

from __future__ import annotations

import re
from typing import Any

_METHODS = ("match", "fullmatch", "search", "finditer", "findall", "sub", "split")


class Lazy:
    """``re.compile(pattern, flags)``, made on the first use of one of its methods."""

    def __init__(self, pattern: str | bytes, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags

    def __getattr__(self, name: str) -> Any:  # noqa: ANN401 - a method of re.Pattern
        # only reached while the methods are not yet set: later lookups find them on the object
        if name not in _METHODS:
            raise AttributeError(name)
        compiled = re.compile(self.pattern, self.flags)
        for method in _METHODS:
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"Lazy({self.pattern!r})"
