"""Reading and writing Dockerfiles byte-exactly: BOM, line endings and mode are kept."""

from __future__ import annotations

import os
import stat
from typing import TYPE_CHECKING

from slimfix.errors import SlimfixDecodeError

if TYPE_CHECKING:
    from pathlib import Path


def decode(data: bytes) -> str:
    """UTF-8 text (a BOM stays in the text as U+FEFF); refuses binary and other encodings."""
    nul = data.find(b"\0")
    if nul != -1:
        line, col = _where(data, nul)
        raise SlimfixDecodeError("binary file (contains a NUL byte); not a Dockerfile", line, col)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _where(data, exc.start)
        raise SlimfixDecodeError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} is invalid); save the file as UTF-8", line, col
        ) from None


def _where(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    col = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, col


TEMP_SUFFIX = ".slimfix"  # write_atomic's temporary files: ``.<name>.<random>.slimfix``


def is_temp_name(name: str) -> bool:
    """A temporary file of ``write_atomic`` (context scans skip it: it is gone a moment later)."""
    return name.startswith(".") and name.endswith(TEMP_SUFFIX)


def write_atomic(path: Path, text: str) -> None:
    """Write through a temporary file in the same folder, then rename; keep the file's mode."""
    import tempfile  # only --write needs it: not loaded at start-up

    data = text.encode("utf-8")
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def unified_diff(old: str, new: str, name: str, new_name: str | None = None) -> str:
    """A unified diff that shows a missing final newline as diff(1) does."""
    import difflib

    a = split_lines(old)
    b = split_lines(new)
    lines = []
    for line in difflib.unified_diff(a, b, fromfile=name, tofile=new_name or name):
        if not line.endswith("\n"):
            line += "\n\\ No newline at end of file\n"
        lines.append(line)
    return "".join(lines)


def split_lines(text: str) -> list[str]:
    """Lines with their endings, split on ``\\n`` only (not on the other code points
    ``str.splitlines`` breaks at, which are ordinary characters in a Dockerfile)."""
    lines = text.split("\n")
    out = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out
