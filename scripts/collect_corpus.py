"""Copy every Dockerfile-like file at HEAD of bare git mirrors into a corpus folder.

Usage::

    python scripts/collect_corpus.py [GIT_DIR ...] [--out /work/corpus/real]

With no GIT_DIR, every ``/work/.mirror/<owner+name>/repo`` (or ``repo/.git``) is
used.  Each file lands in ``OUT/<owner+name>/<path with "/" replaced by "__">`` and
``OUT/MANIFEST.tsv`` lists repo, commit, path, blob and size for each.  The corpus
is third-party code: it must stay outside this repository, and the script refuses
an output folder inside it.

A file is taken when its base name (any case) is ``Dockerfile`` or ``Containerfile``,
optionally followed by ``.``, ``_`` or ``-`` and more (``Dockerfile.alpine``,
``Dockerfile_test_add``), or ends in ``.Dockerfile``/``.Containerfile``, unless it ends in
``.dockerignore`` or another non-Dockerfile extension, is a symlink, is over 1 MB,
or contains a NUL byte.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

MIRRORS = Path("/work/.mirror")
DEFAULT_OUT = Path("/work/corpus/real")
MAX_BYTES = 1_000_000
REPO_ROOT = Path(__file__).resolve().parent.parent

_NAME = re.compile(r"^(?:(?:dockerfile|containerfile)(?:[._-].+)?|.+\.(?:dockerfile|containerfile))$", re.IGNORECASE)
_SKIP_SUFFIXES = (
    ".dockerignore",
    ".md",
    ".rst",
    ".txt",
    ".sh",
    ".py",
    ".go",
    ".json",
    ".yml",
    ".yaml",
    ".toml",
    ".lock",
    ".patch",
    ".diff",
    ".orig",
    ".bak",
    ".swp",
    ".png",
    ".jpg",
    ".svg",
    ".html",
    ".js",
    ".ts",
    ".rs",
    ".rb",
    ".bats",
    ".ps1",
    ".zip",
    ".gz",
    ".tar",
    ".sum",
    ".mod",
)


@dataclass(frozen=True)
class Entry:
    path: str
    blob: str
    size: int


def is_dockerfile_name(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return bool(_NAME.match(name)) and not name.lower().endswith(_SKIP_SUFFIXES)


def repo_label(git_dir: Path) -> str:
    """``owner+name`` from ``/work/.mirror/owner+name/repo[/.git]``."""
    for part in reversed(git_dir.resolve().parts):
        if "+" in part:
            return part
    return git_dir.resolve().name


def _git(git_dir: Path, *args: str, data: bytes | None = None) -> bytes:
    return subprocess.run(["git", f"--git-dir={git_dir}", *args], input=data, capture_output=True, check=True).stdout


def list_candidates(git_dir: Path) -> list[Entry]:
    """Dockerfile-like regular files at HEAD, from ``git ls-tree -r -l -z``."""
    entries = []
    for record in _git(git_dir, "ls-tree", "-r", "-l", "-z", "HEAD").split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, kind, blob, size = meta.split()
        path = raw_path.decode("utf-8", "surrogateescape")
        if kind != b"blob" or mode == b"120000" or not is_dockerfile_name(path):
            continue
        if int(size) > MAX_BYTES:
            continue
        entries.append(Entry(path, blob.decode(), int(size)))
    return entries


def read_blobs(git_dir: Path, entries: list[Entry]) -> dict[str, bytes]:
    """Blob contents by id, in one ``git cat-file --batch`` call."""
    wanted = sorted({e.blob for e in entries})
    out = _git(git_dir, "cat-file", "--batch", data="".join(f"{b}\n" for b in wanted).encode())
    blobs, pos = {}, 0
    for blob in wanted:
        header_end = out.index(b"\n", pos)
        _, _, size = out[pos:header_end].split()
        start = header_end + 1
        blobs[blob] = out[start : start + int(size)]
        pos = start + int(size) + 1
    return blobs


def flat_name(path: str) -> str:
    return path.replace("/", "__")


def collect(git_dir: Path, out: Path) -> list[tuple[str, str, str, str, int]]:
    """Write one repository's Dockerfiles under ``out``; return manifest rows."""
    label = repo_label(git_dir)
    commit = _git(git_dir, "rev-parse", "HEAD").decode().strip()
    entries = list_candidates(git_dir)
    blobs = read_blobs(git_dir, entries)
    target = out / label
    shutil.rmtree(target, ignore_errors=True)
    rows = []
    for entry in entries:
        data = blobs[entry.blob]
        if b"\0" in data:
            continue
        target.mkdir(parents=True, exist_ok=True)
        (target / flat_name(entry.path)).write_bytes(data)
        rows.append((label, commit, entry.path, entry.blob, entry.size))
    return rows


def default_git_dirs() -> list[Path]:
    dirs = []
    for repo in sorted(MIRRORS.glob("*/repo")):
        git_dir = repo / ".git" if (repo / ".git" / "HEAD").exists() else repo
        if (git_dir / "HEAD").exists():
            dirs.append(git_dir)
    return dirs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("git_dirs", nargs="*", type=Path, help="bare git directories (default: all mirrors)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    if out == REPO_ROOT or REPO_ROOT in out.parents:
        print(f"error: {out} is inside the repository {REPO_ROOT}; the corpus must stay outside it", file=sys.stderr)
        return 2
    git_dirs = args.git_dirs or default_git_dirs()
    rows = []
    for git_dir in git_dirs:
        try:
            repo_rows = collect(git_dir, out)
        except (subprocess.CalledProcessError, OSError) as exc:
            print(f"skip {git_dir}: {exc}", file=sys.stderr)
            continue
        print(f"{len(repo_rows):6d}  {repo_label(git_dir)}")
        rows += repo_rows
    total = write_manifest(out / "MANIFEST.tsv", rows, {repo_label(d) for d in git_dirs})
    print(f"{len(rows)} files from {len(git_dirs)} repositories; {total} in {out}")
    return 0


def write_manifest(manifest: Path, rows: list[tuple[str, str, str, str, int]], redone: set[str]) -> int:
    """Merge ``rows`` into the manifest, replacing the lines of repositories redone."""
    header = "repo\tcommit\tpath\tblob\tsize"
    kept = []
    if manifest.exists():
        kept = [
            line
            for line in manifest.read_text(encoding="utf-8").splitlines()[1:]
            if line.split("\t", 1)[0] not in redone
        ]
    lines = sorted(kept + ["\t".join(map(str, row)) for row in rows])
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return len(lines)


if __name__ == "__main__":
    raise SystemExit(main())
