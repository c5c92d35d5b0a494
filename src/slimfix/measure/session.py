"""One ``slimfix measure`` run: copy, rewrite, build both, collect the figures, clean up.

Each side is built cold (``--no-cache``), described (size, layers, history), smoke-tested
when asked, then rebuilt with the layer cache after a one-line change to an application
source file.  When slimfix changes nothing, the "after" side reuses the "before" figures.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from slimfix import SlimfixError, parse
from slimfix.config import find_config
from slimfix.cst import Dockerfile
from slimfix.measure.builders import Buildah, Builder
from slimfix.measure.layers import attribute
from slimfix.measure.process import TAIL_LINES, MeasureError, run
from slimfix.measure.progress import Progress
from slimfix.measure.report import Figures, Measurement, Smoke
from slimfix.measure.steps import StepClock
from slimfix.measure.workspace import (
    COMMENTS,
    Side,
    append_comment,
    choose_touch,
    context_figures,
    copy_side,
    rewrite,
)

SMOKE_TIMEOUT = 600.0
DESCRIBE_TIMEOUT = 120.0
SIDE_NAMES = {"before": "original (before)", "after": "rewritten (after)"}


class BuildFailed(MeasureError):
    """A build failed; the message names the side and step and ends with the log tail."""


@dataclass(frozen=True)
class Request:
    dockerfile: Path
    context: Path
    shown: str  # the Dockerfile's name in output ("Dockerfile", "docker/api.Dockerfile")
    smoke: str | None = None
    layers: bool = False
    unsafe_fixes: bool = False
    touch: str | None = None
    keep: bool = False
    timeout: float = 1800.0
    rebuilds: int = 1  # rebuilds after one-line changes; the median one is reported


@dataclass
class _Run:
    builder: Builder
    request: Request
    progress: Progress
    tags: list[str] = field(default_factory=list)
    # In each rebuild's comment, so no rebuild finds a layer an earlier run left in the cache.
    token: str = field(default_factory=lambda: secrets.token_hex(3))
    notes: list[str] = field(default_factory=list)

    def command(self, argv: tuple[str, ...], timeout: float, *, keep: int | None = TAIL_LINES,
                on_line: Callable[[str], None] | None = None, **kw):
        return run(argv, timeout=timeout, keep=keep, on_line=on_line or self.progress.output, **kw)


def measure(request: Request, builder: Builder, progress: Progress) -> Measurement:
    """Build the Dockerfile as written and as slimfix rewrites it; return the figures."""
    original = _parse(request.dockerfile, request.shown)
    scratch = Path(tempfile.mkdtemp(prefix="slimfix-measure-"))
    state = _Run(builder, request, progress)
    try:
        progress.start("copying the build context")
        config = find_config(request.dockerfile.parent)
        before = copy_side("before", request.context, request.dockerfile, scratch, config)
        after = copy_side("after", request.context, request.dockerfile, scratch, config)
        progress.start("rewriting the copy with slimfix --write")
        changed = rewrite(after, request.unsafe_fixes)
        progress.finish("changed" if changed else "nothing to change")
        touched = choose_touch(original, (before, after) if changed else (before,), request.touch)
        if touched is None:
            state.notes.append(
                "no application source file found to change for the rebuild; name one with --touch FILE"
            )
        tag = f"localhost/slimfix-measure-{os.getpid()}-{state.token}"
        first = _side(state, before, original, f"{tag}:before", touched)
        if changed:
            second = _side(state, after, _parse(after.dockerfile, request.shown + " (rewritten)"), f"{tag}:after", touched)
        else:
            second = first
            state.notes.append("slimfix changed nothing, so the after column repeats the before figures (built once)")
        state.notes.extend(_notes(builder, original, after, changed, touched, (first, second)))
        if request.keep:
            state.notes.append(f"kept the images {', '.join(state.tags)} and the copies in {scratch}")
        return Measurement(builder.name, request.shown, changed, touched, first, second, tuple(state.notes))
    finally:
        progress.finish("stopped")
        if not request.keep:
            for image in state.tags:
                _quietly(builder.remove_image(image))
            shutil.rmtree(scratch, ignore_errors=True)


def _parse(path: Path, shown: str) -> Dockerfile:
    try:
        return parse(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise MeasureError(f"{shown}: not UTF-8 text (byte {exc.start})") from None
    except SlimfixError as exc:
        raise MeasureError(f"{shown}:{exc}") from None
    except OSError as exc:
        raise MeasureError(f"{shown}: {exc.strerror or exc}") from None


def _side(state: _Run, side: Side, df: Dockerfile, tag: str, touched: str | None) -> Figures:
    builder, request, progress = state.builder, state.request, state.progress
    name = SIDE_NAMES[side.label]
    files, size = context_figures(side)
    progress.start(f"building the {name} image, cold (no layer cache)")
    cold = state.command(builder.build(side.dockerfile, side.context, tag, cache=False),
                         request.timeout, env=builder.build_env())
    if not cold.ok:
        raise _failed(builder, name, "cold build", cold)
    state.tags.append(tag)
    progress.start(f"reading the {name} image")
    outputs = []
    for argv in builder.describe(tag):
        done = state.command(argv, DESCRIBE_TIMEOUT, keep=None)
        if not done.ok:
            raise _failed(builder, name, f"'{' '.join(argv[:3])}'", done)
        outputs.append(done.output)
    facts = builder.facts(outputs)
    smoke = None
    if request.smoke is not None:
        progress.start(f"running the smoke command in the {name} image")
        smoke = _smoke(state, tag, request.smoke)
        progress.finish("ok" if smoke.ok else "FAILED")
        if not smoke.ok:
            state.notes.append(f"the smoke command failed in the {name} image; its output ends:\n{smoke.output}")
    rebuild_s = rebuild_steps = rebuilds = None
    if touched is not None:
        # A --no-cache build does not always leave layers the next build can reuse (buildah
        # 1.28 does not), so build once more with the cache on before the change: the timed
        # rebuild is then what a developer's next build after an edit costs.
        progress.start(f"warming the layer cache for the {name} image")
        warm = state.command(builder.build(side.dockerfile, side.context, tag, cache=True),
                             request.timeout, env=builder.build_env())
        if not warm.ok:
            raise _failed(builder, name, "cache warm-up build", warm)
        runs = []
        for number in range(1, request.rebuilds + 1):
            append_comment(side.context / touched, f"{state.token}-{side.label}-{number}")
            of = f", {number} of {request.rebuilds}" if request.rebuilds > 1 else ""
            progress.start(f"rebuilding the {name} image after a change to {touched} (layer cache on{of})")
            clock = StepClock(progress.output)
            again = state.command(builder.build(side.dockerfile, side.context, tag, cache=True),
                                  request.timeout, env=builder.build_env(), on_line=clock)
            if not again.ok:
                raise _failed(builder, name, f"rebuild after changing {touched}", again)
            runs.append((again.seconds, clock.steps(again.seconds)))
        rebuild_s, rebuild_steps = sorted(runs, key=lambda run: run[0])[(len(runs) - 1) // 2]  # the median (low)
        rebuilds = tuple(seconds for seconds, _ in runs)
    progress.finish()
    layer_sizes = attribute(df, request.shown, facts.history) if request.layers else None
    return Figures(facts.size, facts.layers, cold.seconds, rebuild_s, size, files, smoke, layer_sizes,
                   rebuild_steps, rebuilds)


def _smoke(state: _Run, image: str, command: str) -> Smoke:
    builder = state.builder
    create = builder.create_container(image)
    if create is None:
        done = state.command(builder.run_in(image, command), SMOKE_TIMEOUT)
        return Smoke(command, done.ok, done.tail())
    made = state.command(create, DESCRIBE_TIMEOUT)
    if not made.ok:
        return Smoke(command, False, made.tail())
    container = made.output.strip().splitlines()[-1]
    try:
        done = state.command(builder.run_in(container, command), SMOKE_TIMEOUT)
    finally:
        remove = builder.remove_container(container)
        if remove is not None:
            _quietly(remove)
    return Smoke(command, done.ok, done.tail())


def _quietly(argv: tuple[str, ...]) -> None:
    """Clean-up: a failure here must not hide the result or the real error."""
    try:
        run(argv, timeout=DESCRIBE_TIMEOUT, keep=5)
    except MeasureError:
        pass


def _failed(builder: Builder, name: str, step: str, done) -> BuildFailed:
    hint = ""
    if name.startswith("rewritten"):
        hint = ("\nThe original builds, so slimfix's rewrite broke it: see `slimfix --diff`, "
                "and please report it with the Dockerfile.")
    return BuildFailed(
        f"the {name} image failed to build ({step}, {builder.name} exit status {done.returncode}); "
        f"the build log ends:\n{done.tail(TAIL_LINES)}{hint}"
    )


def _notes(builder: Builder, original: Dockerfile, after: Side, changed: bool, touched: str | None,
           figures: tuple[Figures, Figures]) -> list[str]:
    notes = []
    if touched is not None:
        if PurePosixPath(touched).suffix in COMMENTS:
            notes.append(f"the rebuild time is for a one-line comment appended to {touched} (in the copy)")
        else:
            notes.append(
                f"the rebuild time is for a blank line appended to {touched} (in the copy; slimfix knows no "
                "comment syntax for it), which an earlier measure of the same files may have built already"
            )
    if isinstance(builder, Buildah) and any(f.rebuild_s is not None for f in figures):
        rewritten = _parse(after.dockerfile, "rewritten Dockerfile") if changed else original
        if any(i.name == "COPY" and i.sem.flag("from") for df in (original, rewritten) for i in df.instructions):
            notes.append(
                "buildah 1.28 (Debian 12's) reads a COPY --from source again on every rebuild to "
                "check its cache (the reused step's time), so multi-stage rebuild times here are "
                "longer than BuildKit's would be"
            )
    return notes
