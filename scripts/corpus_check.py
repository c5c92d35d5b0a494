"""Run slimfix over a folder of real Dockerfiles and count what happens.

    python scripts/corpus_check.py /work/corpus/real [--unsafe-fixes] [--cache mounts] [--limit N]

For every file: decode, parse, exact round trip, agreement with BuildKit's parser (the
``dockerfile`` package), then the full fix loop (every transform, the build context being the
file's folder): the output must re-parse with BuildKit's parser and one more run must change
nothing.  Prints counts, how often each transform fired, and why transforms declined.
The corpus itself is never part of the repository.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from oracles import OracleError, buildkit, json_with_trailing_text  # noqa: E402

from slimfix import SlimfixError, parse  # noqa: E402
from slimfix.engine import Safety, Settings, fix_text  # noqa: E402
from slimfix.io import decode  # noqa: E402


def describe(df):
    out = []
    for instr in df.instructions:
        sem = instr.sem
        first, last = df.lines_of(instr)
        heredocs = () if sem.inner is not None else tuple((h.name, h.body) for h in instr.heredocs)
        out.append((sem.keyword, first, last, tuple(f.word for f in sem.flags), sem.value, sem.json, heredocs))
    return out


def _reason(message: str) -> str:
    """A finding's message with the specifics (names, numbers, quoted text) folded, for counting."""
    import re

    text = re.sub(r"`[^`]*`|'[^']*'|\"[^\"]*\"", "…", message)
    text = re.sub(r"\d+", "N", text)
    return text[:110]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", type=Path)
    ap.add_argument("--unsafe-fixes", action="store_true")
    ap.add_argument("--cache", choices=("clean", "mounts"), default="clean")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--show", type=int, default=5, help="examples to print per problem")
    args = ap.parse_args()
    files = sorted(p for p in args.folder.rglob("*") if p.is_file() and p.name != "MANIFEST.tsv")
    if args.limit:
        files = files[: args.limit]
    counts: collections.Counter[str] = collections.Counter()
    fired: collections.Counter[str] = collections.Counter()
    declined: collections.Counter[str] = collections.Counter()
    fired_files: collections.Counter[str] = collections.Counter()
    declined_files: collections.Counter[str] = collections.Counter()
    reasons: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    examples: dict[str, list[str]] = collections.defaultdict(list)
    started = time.perf_counter()

    def problem(kind: str, path: Path, detail: str = "") -> None:
        counts[kind] += 1
        if len(examples[kind]) < args.show:
            examples[kind].append(f"{path}: {detail}"[:300])

    for path in files:
        counts["files"] += 1
        try:
            text = decode(path.read_bytes())
        except SlimfixError as exc:
            problem("not utf-8 / binary", path, str(exc))
            continue
        theirs = buildkit(text)
        try:
            df = parse(text)
        except SlimfixError as exc:
            if isinstance(theirs, OracleError):
                counts["refused by both"] += 1
            else:
                problem("slimfix refuses, BuildKit accepts", path, str(exc))
            continue
        counts["parsed"] += 1
        if df.code != text:
            problem("ROUND TRIP FAILED", path)
            continue
        counts["round trip ok"] += 1
        if isinstance(theirs, OracleError):
            problem("BuildKit refuses, slimfix accepts", path, theirs.message)
        elif describe(df) != [
            (o.keyword, o.start_line, o.end_line, o.flags, o.value, o.json, o.heredocs) for o in theirs
        ]:
            if any(json_with_trailing_text(i.sem.command.args) for i in df.instructions):
                counts["differs: JSON with trailing text (BuildKit v0.12.5 vs today)"] += 1
            else:
                problem("differs from BuildKit", path)
        else:
            counts["agrees with BuildKit"] += 1
        settings = Settings(unsafe_fixes=args.unsafe_fixes, cache=args.cache, context=path.parent)
        try:
            result = fix_text(text, settings, path)
        except SlimfixError as exc:
            problem("fix loop refused (verification)", path, str(exc))
            continue
        except Exception as exc:  # a crash is a bug: count and show it
            problem("CRASH", path, f"{type(exc).__name__}: {exc}")
            continue
        for d in result.applied:
            fired[d.code] += 1
        for code in {d.code for d in result.applied}:
            fired_files[code] += 1
        not_fixed = [d for d in result.found if d.fix is None or not d.fix.applies(args.unsafe_fixes)]
        for d in not_fixed:
            why = "report only" if d.fix is None else f"{Safety(d.fix.safety).name.lower()} fix not applied"
            declined[f"{d.code} ({why})"] += 1
            reasons[d.code][_reason(d.message)] += 1
        for code in {d.code for d in not_fixed}:
            declined_files[code] += 1
        if result.changed:
            counts["changed"] += 1
            bk = buildkit(result.output)
            if isinstance(bk, OracleError) and not bk.unsupported:
                problem("OUTPUT REFUSED BY BUILDKIT", path, bk.message)
            again = fix_text(result.output, settings, path)
            if again.output != result.output:
                problem("NOT A FIXED POINT", path)
    elapsed = time.perf_counter() - started
    print(f"{counts['files']} files in {elapsed:.1f} s")
    for key, value in counts.most_common():
        print(f"  {key}: {value}")
    print("transforms applied (fixes, over all files):")
    for code, n in sorted(fired.items()):
        print(f"  {code}: {n}")
    print("findings not fixed (by code and reason):")
    for key, n in sorted(declined.items()):
        print(f"  {key}: {n}")
    print("files per code: fixed / with a finding left unfixed; the commonest reasons:")
    for code in sorted(set(fired_files) | set(declined_files)):
        print(f"  {code}: {fired_files[code]} fixed / {declined_files[code]} declined")
        for reason, n in reasons[code].most_common(3):
            print(f"      {n:5d}  {reason}")
    for kind, items in examples.items():
        print(f"examples of {kind}:")
        for item in items:
            print(f"  {item}")
    bad = sum(counts[k] for k in ("ROUND TRIP FAILED", "CRASH", "OUTPUT REFUSED BY BUILDKIT", "NOT A FIXED POINT"))
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
