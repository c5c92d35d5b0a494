"""The temporary copies ``slimfix measure`` builds from; the user's files are never touched.

``copy_side`` copies the build context (and the Dockerfile, wherever it is) into a scratch
folder; ``rewrite`` runs ``slimfix --write`` on the "after" copy; ``context_figures`` counts
what the builder would be sent, honouring the copy's ignore file; ``choose_touch`` picks the
application source file whose one-line change the rebuild measures, and ``append_comment``
makes that change.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from slimfix.buildcontext import context_size, needed_paths
from slimfix.cst import Dockerfile
from slimfix.dockerignore import (
    DockerignoreError,
    Matcher,
    find_ignore_file,
    go_clean,
    read_dockerignore,
    walk_context,
)
from slimfix.measure.layers import build_chain
from slimfix.measure.process import MeasureError

# Files a dependency install reads: changing one of them is not "a change to the source".
MANIFESTS = frozenset(
    ["requirements.txt", "requirements.in", "constraints.txt", "pyproject.toml", "setup.py", "setup.cfg", "poetry.lock", "Pipfile", "Pipfile.lock", "uv.lock", "pdm.lock", "package.json", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lockb", ".npmrc", ".yarnrc.yml", "go.mod", "go.sum", "go.work", "Gemfile", "Gemfile.lock", "composer.json", "composer.lock", "Cargo.toml", "Cargo.lock", "pom.xml", "build.gradle", "build.gradle.kts", "settings.gradle", "mix.exs", "mix.lock", "Package.swift", "Package.resolved"]
)
# Comment syntax per source-file suffix: (start, end).
COMMENTS = {
    **dict.fromkeys((".py", ".rb", ".sh", ".bash", ".pl", ".r", ".R", ".ex", ".exs", ".jl", ".cr"), ("#", "")),
    **dict.fromkeys(
        (".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".go", ".java", ".kt", ".scala", ".c", ".h",
         ".cc", ".cpp", ".hpp", ".cs", ".rs", ".php", ".swift", ".dart", ".groovy"),
        ("//", ""),
    ),
    **dict.fromkeys((".lua", ".sql", ".hs"), ("--", "")),
    **dict.fromkeys((".css", ".scss"), ("/*", " */")),
    **dict.fromkeys((".html", ".htm", ".vue", ".svelte"), ("<!--", " -->")),
}
CHANGE_TEXT = "slimfix measure: one-line change"


@dataclass(frozen=True)
class Side:
    """One build's scratch copy: "before" (as written) or "after" (slimfix's rewrite).

    ``config`` is the copy of the user's slimfix configuration (None: there is none).
    """

    label: str
    root: Path
    context: Path
    dockerfile: Path
    config: Path | None = None


def copy_side(label: str, context: Path, dockerfile: Path, scratch: Path, config: Path | None = None) -> Side:
    """Copy ``context`` (symlinks as links, sockets and FIFOs left out), the Dockerfile and ``config``.

    The copies keep their places relative to one another under ``<scratch>/<label>/tree``
    (mirroring the folder the three share), so the configuration's per-file globs and
    ``extend-exclude`` match the copied Dockerfile as they match the original.
    """
    context, dockerfile = Path(os.path.realpath(context)), Path(os.path.realpath(dockerfile))
    config = Path(os.path.realpath(config)) if config is not None else None
    parents = [str(context), str(dockerfile.parent)] + ([str(config.parent)] if config is not None else [])
    base = Path(os.path.commonpath(parents))
    root = scratch / label
    tree = root / "tree"
    dest_context = tree / context.relative_to(base)
    try:
        scratch_real = os.path.realpath(scratch)
        shutil.copytree(context, dest_context, symlinks=True, ignore=lambda d, names: _skipped(d, names, scratch_real))
        dest_dockerfile = tree / dockerfile.relative_to(base)
        if not dockerfile.is_relative_to(context):
            _copy_file(dockerfile, dest_dockerfile)
            specific = dockerfile.with_name(dockerfile.name + ".dockerignore")
            if specific.is_file():
                shutil.copy2(specific, dest_dockerfile.with_name(specific.name))
        dest_config = tree / config.relative_to(base) if config is not None else None
        if config is not None and not config.is_relative_to(context):
            _copy_file(config, dest_config)
    except (OSError, shutil.Error) as exc:
        raise MeasureError(f"cannot copy the build context {context} to {root}: {_first_error(exc)}") from None
    return Side(label, root, dest_context, dest_dockerfile, dest_config)


def _copy_file(source: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, dest)


def _skipped(directory: str, names: list[str], scratch: str) -> set[str]:
    """Sockets and FIFOs (copying one would block), and the scratch folder itself."""
    skipped = set()
    for name in names:
        path = os.path.join(directory, name)
        mode = os.lstat(path).st_mode
        if stat.S_ISDIR(mode):
            if os.path.realpath(path) == scratch:
                skipped.add(name)
        elif not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
            skipped.add(name)
    return skipped


def _first_error(exc: BaseException) -> str:
    if isinstance(exc, shutil.Error) and exc.args and isinstance(exc.args[0], list) and exc.args[0]:
        source, _, why = exc.args[0][0]
        return f"{source}: {why}"
    return str(exc)


def rewrite(side: Side, unsafe_fixes: bool) -> bool:
    """Run ``slimfix --write`` on the copy (with the copy of the configuration); True if it changed any file of it."""
    from slimfix.cli import main

    argv = ["--write", "--quiet", str(side.dockerfile), "--context", str(side.context)]
    argv += ["--unsafe-fixes"] if unsafe_fixes else []
    argv += ["--config", str(side.config)] if side.config is not None else []
    before = _snapshot(side.root)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(argv)
    if code not in (0, 1):
        message = out.getvalue().strip().replace(str(side.dockerfile), "the Dockerfile")
        raise MeasureError(f"slimfix could not rewrite the Dockerfile (exit {code}): {message}")
    return _snapshot(side.root) != before


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    found = {}
    for folder, _, files in os.walk(root):
        for name in files:
            st = os.lstat(os.path.join(folder, name))
            found[os.path.join(folder, name)] = (st.st_size, st.st_mtime_ns)
    return found


def matcher_for(side: Side) -> Matcher:
    """The ignore rules the builder applies to this copy's context."""
    ignore = find_ignore_file(side.context, side.dockerfile)
    if ignore is None:
        return Matcher(())
    try:
        return Matcher(read_dockerignore(ignore))
    except DockerignoreError as exc:
        raise MeasureError(f"{ignore.name}:{exc.line}: {exc.reason}") from None


def context_figures(side: Side) -> tuple[int, int]:
    """(files, bytes) the builder is sent for this copy."""
    return context_size(side.context, matcher_for(side))


def choose_touch(df: Dockerfile, sides: tuple[Side, ...], explicit: str | None) -> str | None:
    """The context-relative source file to change before the rebuild, or None if none fits.

    ``explicit`` (``--touch``) must be a regular file sent in every side.  Otherwise: the first
    source file (by depth, then name) that a COPY/ADD of the build copies from the context,
    that every side sends, that is no dependency manifest and whose comment syntax is known;
    files copied by the final stage (and those it is built FROM) come first.
    """
    sent = [  # regular files only: a change must never go through a symlink
        {path for path, _ in walk_context(side.context, matcher_for(side)) if not (side.context / path).is_symlink()}
        for side in sides
    ]
    if explicit is not None:
        rel = go_clean(explicit.replace(os.sep, "/")).lstrip("/")
        missing = [side.label for side, files in zip(sides, sent) if rel not in files]
        if missing:
            raise MeasureError(
                f"--touch {explicit}: no such file in the {' and '.join(missing)} build context "
                "(give a path relative to the context, of a file, not a symlink, that .dockerignore does not exclude)"
            )
        return rel
    common = set.intersection(*sent)
    final = {id(i) for stage in build_chain(df) for i in stage.instructions}
    ordered = sorted(
        (i for i in df.instructions if i.name in ("COPY", "ADD") and not i.sem.flag("from")),
        key=lambda i: id(i) not in final,
    )
    for instr in ordered:
        picks = sorted(
            (p for p in _copied(instr.value[:-1], sides[0].context, common) if _is_source(p)),
            key=lambda p: (p.count("/"), p),
        )
        if picks:
            return picks[0]
    return None


def _copied(sources: tuple[str, ...], context: Path, sent: set[str]) -> set[str]:
    local = [s for s in sources if "://" not in s and not s.startswith("<<")]
    if any(s.strip().strip("/") in (".", "") for s in local):
        return sent
    named = needed_paths(context, local)
    return {p for p in sent if any(p == n or p.startswith(n + "/") for n in named)}


def _is_source(path: str) -> bool:
    parts = path.split("/")
    name = parts[-1]
    if any(part.startswith(".") for part in parts) or name in MANIFESTS:
        return False
    if name.startswith("requirements") or "dockerfile" in name.lower() or "containerfile" in name.lower():
        return False
    return os.path.splitext(name)[1] in COMMENTS


def append_comment(path: Path, mark: str = "") -> None:
    """Append one comment line ending in ``mark`` (a blank line for unknown file types), keeping
    the file's newline.  A new ``mark`` per rebuild makes each change one no build has seen."""
    data = path.read_bytes()
    newline = b"\r\n" if b"\r\n" in data else b"\n"
    start, end = COMMENTS.get(path.suffix, ("", ""))
    text = f"{CHANGE_TEXT} {mark}" if mark else CHANGE_TEXT
    line = f"{start} {text}{end}".encode() if start else b""
    lead = newline if data and not data.endswith(b"\n") else b""
    path.write_bytes(data + lead + line + newline)
