"""What the command line does, without the command-line framework (black's layering).

``engine.fix_text`` is the pure core; ``process_file`` and ``process_stdin`` add I/O; ``run`` walks
the paths and returns the exit code: 0 clean or written, 1 changes pending under
``--check``/``--diff``, 2 for a usage error, unreadable or unparsable input.
"""

from __future__ import annotations

import enum
import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from slimfix.buildcontext import forget, keep_reads, run_cache
from slimfix.engine import Diagnostic, FixResult, Settings, detached, fix_text
from slimfix.errors import ComposeError, ConfigError, SlimfixDecodeError, SlimfixError, SlimfixSyntaxError
from slimfix.io import decode, unified_diff, write_atomic

if TYPE_CHECKING:  # slimfix.side_files is imported by the runs that read files, not by stdin's
    from slimfix.side_files import SideFiles, SideReport


class Mode(enum.Enum):
    DIFF = "diff"
    CHECK = "check"
    WRITE = "write"


class Options:
    """What the command line asked for.  A plain class, not a dataclass: creating a dataclass
    costs a fraction of a millisecond at import, and ``slimfix -`` starts on every save."""

    __slots__ = (
        "paths", "mode", "unsafe_fixes", "select", "ignore", "stdin_filename", "context", "cache", "config",
        "output_format", "quiet",
    )

    def __init__(
        self,
        paths: list[str],
        mode: Mode | None = None,  # None: --diff for files, the fixed text for stdin
        unsafe_fixes: bool | None = None,
        select: frozenset[str] | None = None,
        ignore: frozenset[str] | None = None,
        stdin_filename: str | None = None,
        context: Path | None = None,
        cache: str | None = None,
        config: Path | None = None,
        output_format: str = "text",
        quiet: bool = False,
    ) -> None:
        self.paths = paths
        self.mode = mode
        self.unsafe_fixes = unsafe_fixes
        self.select = select
        self.ignore = ignore
        self.stdin_filename = stdin_filename
        self.context = context
        self.cache = cache
        self.config = config
        self.output_format = output_format
        self.quiet = quiet

    def without_paths(self) -> Options:
        """These options for one file (a pool worker's): the same flags, no paths."""
        return Options([], *(getattr(self, name) for name in self.__slots__[1:]))


class Report:
    """What happened to every file, for the exit code and the machine-readable outputs."""

    __slots__ = ("changed", "errors", "diagnostics", "side")

    def __init__(self) -> None:
        self.changed: list[str] = []
        self.errors: list[str] = []
        self.diagnostics: list[tuple[str, Diagnostic]] = []
        self.side: list[SideReport] = []  # the ignore-file changes, shown, counted or written

    def exit_code(self, mode: Mode) -> int:
        if self.errors:
            return 2
        if self.changed and mode is not Mode.WRITE:
            return 1
        return 0


def settings_for(options: Options, path: Path | None) -> Settings:
    """Defaults < the nearest configuration file < the command-line flags."""
    from slimfix.config import load_settings

    base = load_settings(path, options.config)
    changes: dict[str, object] = {}
    if options.unsafe_fixes is not None:
        changes["unsafe_fixes"] = options.unsafe_fixes
    if options.select is not None:
        changes["select"] = options.select
    if options.ignore is not None:
        changes["ignore"] = base.ignore | options.ignore
    if options.cache is not None:
        changes["cache"] = options.cache
    if options.context is not None:
        changes["context"] = options.context
    elif path is not None and base.context is None:
        changes["context"] = path.parent

    return base.replace(**changes) if changes else base


def _error(report: Report, name: str, exc: BaseException, err: TextIO) -> None:
    if isinstance(exc, (SlimfixSyntaxError, SlimfixDecodeError)):
        msg = f"{name}:{exc.line}:{exc.column}: {exc.reason}"
    elif isinstance(exc, ConfigError):
        msg = f"{exc.path}:{exc.line}: {exc.reason} (configuration for {name})"
    elif isinstance(exc, ComposeError):
        msg = str(exc)  # names the Compose file and line
    else:
        msg = f"{name}: {exc}"
    report.errors.append(msg)
    err.write(f"error: {msg}\n")


def process_file(
    path: Path,
    options: Options,
    report: Report,
    out: TextIO,
    err: TextIO,
    side: SideFiles | None = None,
    context: Path | None = None,  # a Compose file's build context for it
    prefetched: dict | None = None,  # from ``prefetch``: results computed in worker processes
) -> None:
    name = str(path)
    try:
        found = _prefetched(prefetched, path, context)
        settings, result, needs = found if found else (*fix_file(path, options, context), None)
        if result is None:
            if side is not None:
                side.skipped(path, settings)
            return
    except (OSError, SlimfixError) as exc:
        _error(report, name, exc, err)
        if side is not None:
            side.failed(path, options.context or context or path.parent)
        return
    if side is not None:
        side.add(path, settings, result, needs)
    _report(result, name, options, report, out, err, settings.unsafe_fixes)
    if result.changed:
        report.changed.append(name)
        if options.mode is Mode.WRITE:
            try:
                write_atomic(path, result.output)
            except OSError as exc:
                _error(report, name, exc, err)
                return
            finally:
                forget()  # a build context may hold this file: what the run read of it is stale
            if not options.quiet:
                err.write(f"fixed {len(result.applied)} finding(s) in {name}\n")
        elif options.mode is Mode.CHECK:
            if not options.quiet:
                err.write(f"would rewrite {name}\n")
        elif options.output_format == "text":  # a machine-readable format owns stdout
            out.write(unified_diff(result.source, result.output, name))


def fix_file(path: Path, options: Options, context: Path | None = None) -> tuple[Settings, FixResult | None]:
    """The settings and result for one file; no result when the configuration excludes it."""
    settings = settings_for(options, path)
    if context is not None and options.context is None:
        settings = settings.replace(context=context)
    if settings_excluded(options, path):
        return settings, None
    return settings, _lean(fix_text(decode(path.read_bytes()), settings, path, **_read(options)))


def _read(options: Options) -> dict[str, bool]:
    """Which lists of a result the run may read (``_report``): none when quiet in text, and
    under --write not what the source has.  What it never reads, ``fix_text`` need not keep
    (on a large file, thousands of findings)."""
    shown = options.output_format != "text" or not options.quiet
    return {"keep_found": shown and options.mode is not Mode.WRITE, "keep_applied": shown}


def _lean(result: FixResult) -> FixResult:
    """``result`` without the tree nodes its diagnostics point to.

    A run keeps every file's diagnostics until its end (and a worker pickles them): without
    the nodes they hold a few bytes each, not a part of every tree.
    """
    for found in (result.applied, result.remaining, result.found):
        found[:] = detached(found)
    return result


PARALLEL_MIN_FILES = 8  # below this a process pool costs more than it saves


def prefetch(options: Options) -> _Prefetched | None:
    """Start fixing every file ``run`` will visit in a process pool; None when not worth it.

    Workers only compute (``fix_file``); ``run`` still prints, writes and reports each file in
    its usual order, so the output is the serial path's byte for byte.  A file whose worker
    failed in any way is redone in-process, so its error reads exactly as in a serial run.
    ``SLIMFIX_JOBS`` sets the number of processes (1: serial); the default is one per core.
    """
    try:
        jobs = max(1, int(os.environ.get("SLIMFIX_JOBS") or os.cpu_count() or 1))
    except ValueError:
        jobs = os.cpu_count() or 1
    if jobs == 1:
        return None
    todo: dict[tuple[Path, Path | None], None] = {}
    for raw in options.paths:
        path = Path(raw)
        if raw == "-":
            continue
        if path.is_dir():
            from slimfix.compose import discover

            try:
                targets = discover(path)
            except ComposeError:
                continue  # ``run`` reports it
            todo.update(((t.dockerfile, t.context if t.services else None), None) for t in targets)
        elif path.exists():
            todo[(path, None)] = None
    if len(todo) < PARALLEL_MIN_FILES:
        return None
    from concurrent.futures import Future, ProcessPoolExecutor

    from slimfix.engine import transforms

    transforms()  # imported once here, so forked workers start with them loaded
    # a worker keeps its reads of the build contexts unless this run writes into them as it goes
    keep = options.mode is not Mode.WRITE
    # the options go to each worker once; a task is one path (the run's paths are not in it:
    # sent with every task, they made a run's pickling grow with the square of its files)
    shared = options.without_paths()
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(todo)), initializer=_start_pool_worker, initargs=(keep, shared))
    keys = list(todo)
    size = max(1, min(CHUNK_FILES, len(keys) // (jobs * 8)))  # ~8 tasks per worker at least: balanced to the end
    futures: dict[tuple[Path, Path | None], tuple[Future, int]] = {}
    for k in range(0, len(keys), size):
        part = keys[k : k + size]
        future = pool.submit(_fix_chunk_in_worker, part)
        futures.update((key, (future, i)) for i, key in enumerate(part))
    return _Prefetched(pool, futures)


CHUNK_FILES = 8  # files per pool task at most: each task and result is a round trip through the parent


class _Prefetched(dict):
    """(future, index in its task's results) by (path, context); ``close`` when the run is over."""

    def __init__(self, pool, futures: dict) -> None:  # noqa: ANN001 - a ProcessPoolExecutor
        super().__init__(futures)
        self.pool = pool

    def close(self) -> None:
        """Wait for the workers to exit.  Left to the interpreter's exit, the pool's manager
        thread could close its wake-up pipe first, and Python printed an ignored EBADF traceback."""
        self.pool.shutdown(wait=True, cancel_futures=True)


_worker_options: Options | None = None  # a pool worker's: the run's options, without its paths


def _start_pool_worker(keep: bool, options: Options) -> None:
    """``_start_worker`` in a pool process, whose cycle collector rests as ``run``'s does (the
    process ends with the run)."""
    gc.disable()
    _start_worker(keep, options)


def _start_worker(keep: bool, options: Options) -> None:
    """A worker's life is one run: its options, and it keeps its reads of the build contexts
    (see ``run_cache``) or not."""
    global _worker_options
    _worker_options = options
    keep_reads(keep)


def _fix_in_worker(path: Path, context: Path | None) -> tuple[Settings, FixResult | None, dict | None] | None:
    """``fix_file`` in a worker, with what the check found the texts need from their context
    (``needs_seen``): the parent's ignore-file plan then need not analyse them again."""
    try:
        assert _worker_options is not None
        settings, result = fix_file(path, _worker_options, context)
        from slimfix.side_files import needs_seen  # loaded: the parent had it before the fork

        return settings, result, (needs_seen(settings, result) if result is not None else None)
    except Exception:
        return None  # redone in-process by ``run``


def _fix_chunk_in_worker(keys: list[tuple[Path, Path | None]]) -> list:
    """``_fix_in_worker`` for each (path, context) of a task, in order."""
    return [_fix_in_worker(*key) for key in keys]


def _prefetched(prefetched: dict | None, path: Path, context: Path | None) -> tuple[Settings, FixResult | None, dict | None] | None:
    found = prefetched.pop((path, context), None) if prefetched else None
    if found is None:
        return None
    future, index = found
    try:
        return future.result()[index]
    except Exception:  # the pool broke or a result did not pickle: compute it here instead
        return None


def settings_excluded(options: Options, path: Path) -> bool:
    from slimfix.config import is_excluded

    return is_excluded(path, options.config)


def _report(
    result: FixResult, name: str, options: Options, report: Report, out: TextIO, err: TextIO, unsafe: bool = False,
    mode: Mode | None = None,
) -> None:
    """Remember the findings; outside --check, print the ones left unfixed to stderr.

    Under --write the report lists what was fixed and what is left (positions in the new
    text); otherwise what the source has (positions in the file as it is).  ``mode``: the
    mode in effect, when it is not ``options.mode``.
    """
    mode = mode or options.mode
    if mode is Mode.WRITE:
        report.diagnostics.extend((name, d) for d in [*result.applied, *result.remaining])
    else:
        report.diagnostics.extend((name, d) for d in result.found)
    if options.output_format == "text" and not options.quiet and mode is not Mode.CHECK:
        # positions in the file as the user will see it: rewritten under --write, else as it is
        shown = result.remaining if mode is Mode.WRITE else result.found
        for d in shown:
            if d.fix is None or not d.fix.applies(unsafe):
                err.write(f"{name}:{d.line}:{d.column}: {d.code} {d.message}{_hint(d)}\n")


def _hint(d: Diagnostic) -> str:
    if d.fix is None:
        return ""
    from slimfix.engine import Safety

    return " (fixable with --unsafe-fixes)" if d.fix.safety == Safety.UNSAFE else ""


def process_stdin(options: Options, report: Report, out: TextIO, err: TextIO, data: bytes) -> None:
    """Formatter mode: fixed text on stdout; on any error the input unchanged, exit 2.

    With a machine-readable ``--output-format`` the report is all stdout gets, as with --check.
    """
    name = options.stdin_filename or "-"
    path = Path(options.stdin_filename) if options.stdin_filename else None
    text_out = options.output_format == "text"
    try:
        text = decode(data)
    except SlimfixDecodeError as exc:
        _error(report, name, exc, err)
        if text_out:
            _echo_bytes(out, data)
        return
    try:
        settings = settings_for(options, path)
        result = fix_text(text, settings, path)
    except SlimfixError as exc:
        _error(report, name, exc, err)
        if text_out:
            out.write(text)
        return
    mode = options.mode if text_out else Mode.CHECK
    _report(result, name, options, report, out, err, settings.unsafe_fixes, mode)
    if result.changed and mode in (Mode.CHECK, Mode.DIFF):
        report.changed.append(name)
    if mode is Mode.DIFF:
        out.write(unified_diff(result.source, result.output, name))
    elif mode is not Mode.CHECK:
        out.write(result.output)


def _echo_bytes(out: TextIO, data: bytes) -> None:
    """Give an editor its buffer back byte for byte, even when it is not UTF-8."""
    buffer = getattr(out, "buffer", None)
    if buffer is not None:
        out.flush()
        buffer.write(data)
        buffer.flush()
    else:
        out.write(data.decode("utf-8", "surrogateescape"))

def run(options: Options, stdin: bytes | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    if not options.paths:
        err.write("slimfix: no path given (a Dockerfile, a folder, or '-' for stdin); see slimfix --help\n")
        return 2
    # The cycle collector rests for the run, as ``fix_text`` has it rest for one file.  With
    # only the checks paused, what they keep (the results, the views memoised for the next
    # files) piled up as new objects, and each collection between two files walked it again:
    # 4-9% of a batch's CPU (1,000 generated files: 120 collections that found about 100
    # objects in all).  A run makes next to no reference cycles, and the collector never
    # changes a result.
    enabled = gc.isenabled()
    gc.disable()
    try:
        with run_cache():
            return _run(options, stdin, out, err)
    finally:
        if enabled:
            gc.enable()


def _run(options: Options, stdin: bytes | None, out: TextIO, err: TextIO) -> int:
    report = Report()
    side = None
    if any(raw != "-" for raw in options.paths):  # the editor's stdin path has no side files
        from slimfix.side_files import SideFiles

        side = SideFiles()
    prefetched = prefetch(options)
    try:
        _visit(options, stdin, out, err, report, side, prefetched)
    finally:
        if prefetched is not None:
            prefetched.close()
    if side is not None:
        side.flush(options, report, out, err)
    if options.output_format != "text" or (options.mode is Mode.CHECK and not options.quiet):
        from slimfix.output import render

        out.write(render(options.output_format, report, options))
    return report.exit_code(options.mode)


def _visit(
    options: Options, stdin: bytes | None, out: TextIO, err: TextIO, report: Report, side: SideFiles | None,
    prefetched: _Prefetched | None,
) -> None:
    """Check (or fix) every path the command line named, in order."""
    for raw in options.paths:
        if raw == "-":
            data = stdin if stdin is not None else sys.stdin.buffer.read()
            process_stdin(options, report, out, err, data)
            continue
        path = Path(raw)
        if path.is_dir():
            from slimfix.compose import discover

            try:
                targets = discover(path)
            except ComposeError as exc:
                _error(report, raw, exc, err)
                continue
            if not targets and not options.quiet:
                err.write(f"slimfix: no Dockerfile found in {raw}\n")
            for t in targets:
                context = t.context if t.services else None
                if t.dockerfile in side.done:
                    side.also(t.dockerfile, context or t.dockerfile.parent)
                else:
                    process_file(t.dockerfile, options, report, out, err, side, context, prefetched)
        elif path.exists():
            process_file(path, options, report, out, err, side, prefetched=prefetched)
        else:
            _error(report, raw, FileNotFoundError("no such file or folder"), err)
