"""The errors slimfix reports to users.  Every failure a user can cause is one of these."""

from __future__ import annotations


class SlimfixError(Exception):
    """Base class: something slimfix refuses to do, with a one-line reason."""


class SlimfixSyntaxError(SlimfixError):
    """The text is not a Dockerfile BuildKit would accept; nothing is rewritten."""

    def __init__(self, reason: str, line: int = 1, column: int = 1) -> None:
        super().__init__(f"{line}:{column}: {reason}")
        self.reason = reason
        self.line = line
        self.column = column


class SlimfixDecodeError(SlimfixError):
    """The bytes are not UTF-8 text (optionally with a BOM)."""

    def __init__(self, reason: str, line: int = 1, column: int = 1) -> None:
        super().__init__(f"{line}:{column}: {reason}")
        self.reason = reason
        self.line = line
        self.column = column


class VerificationError(SlimfixError):
    """A rewrite failed its own checks (round trip, re-parse, stability); nothing is written."""


class ConfigError(SlimfixError):
    """A configuration file has a bad key or value."""

    def __init__(self, path: str, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


class ComposeError(ValueError):
    """A Compose file that cannot be read; names the file, line and reason (``slimfix.compose``,
    which a run imports only for the folders it is given)."""

    def __init__(self, path: object, line: int | None, reason: str) -> None:
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason
