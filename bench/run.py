"""Benchmarks: slimfix against hadolint, tally, dockerfile-parse and BuildKit's parser.

Usage::

    pip install -e '.[bench]'
    python bench/run.py --quick                       # a short run (a few minutes)
    python bench/run.py                               # the full run (README table)
    python bench/run.py --corpus /work/corpus/real    # also time a folder of your own files

Every measurement runs the tools on the same inputs in the same run, interleaved round by
round, and reports the median.  Peers are called as their real binaries (not through pyenv
shims or pip's Python wrapper); a peer that cannot run is shown as such in the table.  The
generated corpus comes from ``bench/gen_corpus.py`` and lives in a temporary folder.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
RSS_CHILD = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "r = subprocess.run(sys.argv[2:], stdin=open(sys.argv[1], 'rb') if sys.argv[1] else subprocess.DEVNULL,"
    " stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "wall = time.perf_counter() - t\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(wall, u.ru_utime + u.ru_stime, u.ru_maxrss, r.returncode)\n"
)


# ---- tools ---------------------------------------------------------------------------------


def slimfix_cmd() -> list[str]:
    script = BIN / "slimfix"
    return [str(script)] if script.exists() else [sys.executable, "-m", "slimfix"]


def hadolint_cmd() -> list[str] | str:
    exe = BIN / "hadolint" if (BIN / "hadolint").exists() else shutil.which("hadolint")
    return _works([str(exe)] if exe else None, "--version", "hadolint")


def tally_cmd() -> list[str] | str:
    try:
        import tally_cli

        exe = Path(tally_cli.__file__).parent / "bin" / f"tally-linux-{platform.machine()}" / "tally"
    except ImportError:
        exe = None
    cmd = [str(exe)] if exe and exe.exists() else ([w] if (w := shutil.which("tally")) else None)
    # no colour, and no slow checks: they query registries, which this machine cannot reach
    return _works(cmd, "--version", "tally", extra=["lint", "--no-color", "--slow-checks", "off"])


def _works(cmd: list[str] | None, flag: str, name: str, extra: list[str] | None = None) -> list[str] | str:
    """The command, or why it cannot run here (shown in the table)."""
    if cmd is None:
        return f"{name} not installed (pip install -e '.[bench]')"
    try:
        r = subprocess.run([*cmd, flag], capture_output=True, timeout=60)
    except OSError as exc:
        return f"{name} cannot run here: {exc}"
    if r.returncode != 0:
        return f"{name} --version failed: {r.stderr.decode(errors='replace').strip()[:80]}"
    return [*cmd, *(extra or [])]


def version(cmd: list[str] | str) -> str:
    if isinstance(cmd, str):
        return cmd
    r = subprocess.run([cmd[0], "--version"], capture_output=True, timeout=60)
    return (r.stdout or r.stderr).decode(errors="replace").strip().splitlines()[0]


# ---- measuring -----------------------------------------------------------------------------


CHILD_ENV = dict(os.environ)


def child_env(pycache: Path) -> None:
    """Let Python child processes keep compiled modules (in ``pycache``), as an installed
    package does; a PYTHONDONTWRITEBYTECODE environment would recompile slimfix every run."""
    CHILD_ENV.pop("PYTHONDONTWRITEBYTECODE", None)
    CHILD_ENV["PYTHONPYCACHEPREFIX"] = str(pycache)


def spawn(cmd: list[str], stdin: Path | None = None, cwd: Path | None = None, env: dict | None = None) -> dict:
    """Wall time, CPU time (children included) and peak RSS of one process (its largest)."""
    r = subprocess.run(
        [sys.executable, "-c", RSS_CHILD, str(stdin or ""), *cmd],
        capture_output=True,
        cwd=cwd,
        env={**CHILD_ENV, **(env or {})},
        text=True,
        check=True,
    )
    wall, cpu, rss, code = r.stdout.split()
    return {"wall": float(wall), "cpu": float(cpu), "rss_mb": int(rss) / 1024, "rc": int(code)}


SLOW_ROUND_S = 90.0  # a tool slower than this per round runs one round only


def rounds(n: int, runs: dict[str, object], slow: float | None = None) -> dict[str, list]:
    """Run each callable ``n`` times, interleaved: a, b, c, a, b, c, ...

    With ``slow``: a callable whose first round took longer (wall seconds) runs only once.
    """
    out: dict[str, list] = {name: [] for name in runs}
    for k in range(n):
        for name, fn in runs.items():
            if k and slow is not None and out[name][0]["wall"] > slow:
                continue
            out[name].append(fn())
    return out


def med(samples: list[dict], key: str = "wall") -> float:
    return statistics.median(s[key] for s in samples)


def timed(fn, n: int, warm: bool = True, before=None) -> float:  # noqa: ANN001
    """Median seconds of ``fn()`` over ``n`` calls (after one warm-up call); ``before()``, if
    given, runs before each call, untimed."""
    if warm:
        fn()
    times = []
    for _ in range(n):
        if before is not None:
            before()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def forget_kept() -> None:
    """Empty slimfix's memos kept across trees (semantics, effects, States, shell views and
    what is kept on them, here-document scripts).

    They serve the fix loop's re-parse and a batch's alike files; a file checked again in the
    same process would find its own answers there, so a small file that fits in them timed
    faster per KB than a large one that does not.  The size benchmark empties them first.
    """
    from slimfix import analysis, heredocs, shell
    from slimfix.cst import nodes

    nodes._SEMS.clear()
    analysis._KEPT.clear()
    analysis._ADVANCED.clear()
    heredocs._KEPT.clear()
    shell._cached_view.cache_clear()


# ---- inputs --------------------------------------------------------------------------------


def generate(count: int, out: Path) -> list[Path]:
    subprocess.run([sys.executable, str(HERE / "gen_corpus.py"), "--count", str(count), "--out", str(out)], check=True, capture_output=True)
    return sorted(out.iterdir())


def user_files(folder: Path) -> list[Path]:
    """Every regular file under ``folder`` (a corpus of Dockerfiles, whatever their names)."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))


def closest(files: list[Path], lines: int) -> Path:
    """The non-Windows file whose line count is nearest ``lines`` (first by name on ties)."""
    linux = [f for f in files if "windows" not in f.name]
    return min(linux, key=lambda f: (abs(f.read_bytes().count(b"\n") - lines), f.name))


def big_text(files: list[Path], size: int) -> str:
    """Corpus files (no Windows escape directives) joined, cut at the first stage (``FROM``)
    boundary past ``size`` bytes: a long multi-stage Dockerfile.  Below 4 KB: the corpus file
    nearest ``size``."""
    parts, total = [], 0
    linux = [f for f in files if "windows" not in f.name]
    if size < 4_000:
        return min(linux, key=lambda f: (abs(f.stat().st_size - size), f.name)).read_bytes().decode()
    k = 0
    while total < size:
        text = linux[k % len(linux)].read_bytes().decode()
        if not text.endswith("\n"):
            text += "\n"
        parts.append(text)
        total += len(text)
        k += 1
    text = "".join(parts)
    cut = text.find("\nFROM ", size)
    return text if cut == -1 else text[: cut + 1]


# ---- the benchmarks ------------------------------------------------------------------------


def batch(files: list[Path], n: int, tools: dict, cwd: Path) -> dict:
    runs = {"slimfix": lambda: spawn([*tools["slimfix"], "--check", "-q", *map(str, files)], cwd=cwd)}
    for peer in ("hadolint", "tally"):
        if isinstance(tools[peer], list):
            runs[peer] = (lambda c: lambda: spawn([*c, *map(str, files)], cwd=cwd))(tools[peer])
    return rounds(n, runs, slow=SLOW_ROUND_S)


def parse_print(texts: list[str], n: int) -> dict:
    import slimfix

    results: dict[str, float | str] = {}
    size = sum(len(t.encode()) for t in texts)
    peers = {"slimfix": lambda t: slimfix.parse(t).code}
    try:
        from dockerfile_parse import DockerfileParser

        peers["dockerfile-parse"] = lambda t: DockerfileParser(fileobj=io.BytesIO(t.encode())).structure
    except ImportError as exc:
        results["dockerfile-parse"] = f"not installed ({exc})"
    try:
        import dockerfile

        peers["BuildKit (dockerfile)"] = dockerfile.parse_string
    except ImportError as exc:
        results["BuildKit (dockerfile)"] = f"not installed ({exc})"
    usable = [t for t in texts if all(_parses(fn, t) for fn in peers.values())]
    size = sum(len(t.encode()) for t in usable)
    samples = rounds(n, {name: (lambda f: lambda: _time_all(f, usable))(fn) for name, fn in peers.items()})
    for name, s in samples.items():
        results[name] = statistics.median(s)
    return {"results": results, "files": len(usable), "skipped": len(texts) - len(usable), "bytes": size}


def _parses(fn, text: str) -> bool:
    try:
        fn(text)
        return True
    except Exception:
        return False


def _time_all(fn, texts: list[str]) -> float:
    t = time.perf_counter()
    for text in texts:
        fn(text)
    return time.perf_counter() - t


def latency(files: list[Path], n: int, tools: dict, work: Path) -> dict:
    small = closest(files, 40)
    project = work / "latency"
    project.mkdir()
    shutil.copyfile(small, project / "Dockerfile")
    stdin = project / "Dockerfile"
    runs = {"slimfix": lambda: spawn([*tools["slimfix"], "-", "--stdin-filename", "Dockerfile"], stdin=stdin, cwd=project)}
    if isinstance(tools["hadolint"], list):
        runs["hadolint"] = lambda: spawn([*tools["hadolint"], "-"], stdin=stdin, cwd=project)
    if isinstance(tools["tally"], list):
        runs["tally"] = lambda: spawn([*tools["tally"], "-"], stdin=stdin, cwd=project)
    samples = rounds(n, runs)
    lsp: float | str
    large = closest(files, 200)
    try:
        from slimfix.lsp import format_text

        text = large.read_bytes().decode()
        uri = (project / "Dockerfile").as_uri()
        lsp = timed(lambda: format_text(text, uri), max(n, 20))
    except ImportError as exc:
        lsp = f"needs the lsp extra ({exc})"
    return {
        "cli": samples,
        "cli_lines": small.read_bytes().count(b"\n"),
        "lsp": lsp,
        "lsp_lines": large.read_bytes().count(b"\n"),
    }


def scaling_size(files: list[Path], sizes: list[int], n: int, work: Path, tools: dict) -> list[dict]:
    import slimfix
    from slimfix.engine import Settings, fix_text

    rows = []
    for size in sizes:
        text = big_text(files, size)
        real = len(text.encode())
        k = n if real < 2e6 else 1
        parse_s = timed(lambda: slimfix.parse(text), k)
        check_s = timed(lambda: fix_text(text, Settings()), k, warm=real < 2e6, before=forget_kept)
        rows.append({"bytes": real, "parse": parse_s, "check": check_s})
        if size == sizes[-1]:  # peak memory of a real process on the largest file
            folder = work / f"size{size}"
            folder.mkdir()
            (folder / "Dockerfile").write_text(text)
            rows[-1]["process"] = spawn([*tools["slimfix"], "--check", "-q", "Dockerfile"], cwd=folder)
    return rows


def scaling_count(counts: list[int], work: Path, tools: dict, n: int) -> list[dict]:
    """Each file in its own folder, as projects keep them (its build context is that folder)."""
    folder = work / "many"
    files = []
    for k, f in enumerate(generate(max(counts), work / "many-flat")):
        (folder / f"{k:05d}").mkdir(parents=True)
        files.append(f.rename(folder / f"{k:05d}" / "Dockerfile"))
    rows = []
    for count in counts:
        chosen = [str(f) for f in files[:count]]
        runs = {"pool": lambda: spawn([*tools["slimfix"], "--check", "-q", *chosen], cwd=work)}
        if count < 10_000:  # the serial run of 10,000 files would double the benchmark's time
            runs["serial"] = lambda: spawn([*tools["slimfix"], "--check", "-q", *chosen], cwd=work, env={"SLIMFIX_JOBS": "1"})
        samples = rounds(n if count < 10_000 else 1, runs)
        rows.append({"files": count, "pool": samples["pool"], "serial": samples.get("serial")})
    return rows


# ---- the report ----------------------------------------------------------------------------


def fmt_s(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def ratio(peer: float, ours: float) -> str:
    return f"{peer / ours:.1f}x" if ours else "-"


def report(data: dict) -> str:
    lines = [
        f"Measured {data['date']} on {data['machine']}, {data['cpus']} cores, Python {data['python']}; "
        f"load average {data['load'][0]:.1f} at start, {data['load'][1]:.1f} at the end.",
        f"Command: `{data['command']}`. Peers: {'; '.join(data['versions'])}. Medians of the rounds shown.",
        "",
    ]
    for title, b in data["batch"].items():
        once = [tool for tool, s in b["samples"].items() if len(s) < b["rounds"]]
        note = f"; {', '.join(once)}: one round, slower than {SLOW_ROUND_S:.0f} s" if once else ""
        lines += [f"**Batch check**, {title} ({b['rounds']} rounds{note})", "", "| tool | wall | CPU | peak RSS | peer / slimfix |", "| --- | --- | --- | --- | --- |"]
        ours = med(b["samples"]["slimfix"])
        for tool, why in b["missing"].items():
            lines.append(f"| {tool} | {why} | | | |")
        for tool, s in b["samples"].items():
            lines.append(
                f"| {tool} | {fmt_s(med(s))} | {fmt_s(med(s, 'cpu'))} | {med(s, 'rss_mb'):.0f} MB | "
                f"{'1.0x' if tool == 'slimfix' else ratio(med(s), ours)} |"
            )
        lines.append("")
    p = data["parse"]
    mb = p["bytes"] / 1e6
    lines += [
        f"**Parse and print** of the generated corpus in process ({p['files']} files, {mb:.1f} MB; "
        f"{p['skipped']} skipped that a parser rejects; {p['rounds']} rounds)",
        "",
        "| parser | time | MB/s | time / slimfix |",
        "| --- | --- | --- | --- |",
    ]
    ours = p["results"]["slimfix"]
    for name, t in p["results"].items():
        if isinstance(t, str):
            lines.append(f"| {name} | {t} | | |")
        else:
            label = "slimfix (lossless: `parse(text).code`)" if name == "slimfix" else name
            lines.append(f"| {label} | {fmt_s(t)} | {mb / t:.1f} | {t / ours:.2f} |")
    lat = data["latency"]
    ours = med(lat["cli"]["slimfix"])
    lines += [
        "",
        f"**Format-on-save latency**: one process on a {lat['cli_lines']}-line Dockerfile on stdin ({lat['rounds']} rounds)",
        "",
        "| command | wall | CPU | peer / slimfix |",
        "| --- | --- | --- | --- |",
    ]
    names = {"slimfix": "`slimfix - --stdin-filename Dockerfile`", "hadolint": "`hadolint -`", "tally": "`tally lint -`"}
    for tool, s in lat["cli"].items():
        lines.append(f"| {names[tool]} | {fmt_s(med(s))} | {fmt_s(med(s, 'cpu'))} | {'1.0x' if tool == 'slimfix' else ratio(med(s), ours)} |")
    lsp = lat["lsp"]
    lsp_text = lsp if isinstance(lsp, str) else f"{lsp * 1000:.1f} ms"
    lines += ["", f"Language server `format_text` on a {lat['lsp_lines']}-line Dockerfile, in process: {lsp_text}.", ""]
    lines += [
        f"**Scaling with file size**: one long multi-stage Dockerfile, in process ({data['size_rounds']} rounds, one "
        "above 2 MB; check = `fix_text`, every transform, no build context, the memos kept across files emptied before each run)",
        "",
        "| size | parse | parse per KB | check | check per KB |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in data["sizes"]:
        kb = row["bytes"] / 1024
        lines.append(
            f"| {_size(row['bytes'])} | {fmt_s(row['parse'])} | {row['parse'] / kb * 1e6:.0f} µs | "
            f"{fmt_s(row['check'])} | {row['check'] / kb * 1e6:.0f} µs |"
        )
    last = data["sizes"][-1]["process"]
    lines += [
        "",
        f"`slimfix --check` on the {_size(data['sizes'][-1]['bytes'])} file as a process: "
        f"{fmt_s(last['wall'])}, peak RSS {last['rss_mb']:.0f} MB.",
        "",
        f"**Scaling with file count**: `slimfix --check` over generated files, each in its own folder "
        f"({data['count_rounds']} rounds, one for 10,000; serial = `SLIMFIX_JOBS=1`; CPU / wall above 1: several cores)",
        "",
        "| files | pool wall | pool CPU / wall | serial wall | serial / pool | peak RSS (largest process) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in data["counts"]:
        pw = med(row["pool"])
        sw = med(row["serial"]) if row["serial"] else None
        lines.append(
            f"| {row['files']:,} | {fmt_s(pw)} | {med(row['pool'], 'cpu') / pw:.2f} | "
            f"{fmt_s(sw) if sw else 'not run'} | {f'{sw / pw:.2f}x' if sw else '-'} | {med(row['pool'], 'rss_mb'):.0f} MB |"
        )
    return "\n".join(lines) + "\n"


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} KB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer files, sizes and rounds")
    parser.add_argument("--corpus", type=Path, action="append", default=[], help="also batch-check this folder")
    parser.add_argument("--json", type=Path, help="also save the raw figures here")
    args = parser.parse_args(argv)
    q = args.quick
    tools = {"slimfix": slimfix_cmd(), "hadolint": hadolint_cmd(), "tally": tally_cmd()}
    data: dict = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.system()} {platform.machine()} ({_cpu_name()})",
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "command": "python bench/run.py" + (" --quick" if q else "") + "".join(f" --corpus {c}" for c in args.corpus),
        "versions": [version(tools["hadolint"]), version(tools["tally"]) + " (`lint --slow-checks off`)"],
        "load": [os.getloadavg()[0]],
    }
    with tempfile.TemporaryDirectory(prefix="slimfix-bench-") as tmp:
        work = Path(tmp)
        child_env(work / "pycache")
        spawn([*tools["slimfix"], "--version"], cwd=work)  # compile once, as an install does
        count = 200 if q else 1000
        files = generate(count, work / "generated")
        missing = {k: v for k, v in tools.items() if isinstance(v, str)}
        data["batch"] = {}
        corpora = [(f"{count:,} generated files", files)] + [(f"{len(fs):,} files of {c}", fs) for c in args.corpus if (fs := user_files(c))]
        for k, (title, fs) in enumerate(corpora):
            n = 1 if q or k else 3  # a user's folder: one round
            _say(f"batch check: {title}")
            data["batch"][title] = {"samples": batch(fs, n, tools, work), "rounds": n, "missing": missing}
        _say("parse and print")
        texts = [f.read_bytes().decode() for f in files]
        n = 3 if q else 7
        data["parse"] = {**parse_print(texts, n), "rounds": n}
        _say("latency")
        n = 5 if q else 15
        data["latency"] = {**latency(files, n, tools, work), "rounds": n}
        sizes = [1_000, 10_000, 100_000, 1_000_000] + ([] if q else [5_000_000])
        _say("scaling with size")
        data["size_rounds"] = 1 if q else 3
        data["sizes"] = scaling_size(files, sizes, data["size_rounds"], work, tools)
        counts = [10, 100] if q else [10, 100, 1_000, 10_000]
        _say("scaling with count")
        data["count_rounds"] = 1 if q else 2
        data["counts"] = scaling_count(counts, work, tools, data["count_rounds"])
    data["load"].append(os.getloadavg()[0])
    print(report(data))
    if args.json:
        args.json.write_text(json.dumps(data, indent=1, default=str))
    return 0


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _say(what: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {what}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
