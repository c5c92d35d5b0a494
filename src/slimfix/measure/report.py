"""The figures ``slimfix measure`` collects, as a side-by-side table or as JSON.

The JSON shape (``to_json``; ``version`` changes when a key changes meaning)::

    {
      "version": 1,
      "builder": "buildah",                 # docker, podman or buildah
      "dockerfile": "Dockerfile",           # as given on the command line
      "changed": true,                      # false: slimfix changed nothing, after == before
      "touched": "main.py",                 # the file changed for the rebuild, or null
      "before": FIGURES,                    # the Dockerfile as written
      "after": FIGURES,                     # slimfix's rewrite of it
      "notes": ["..."]                      # caveats, in English
    }

    FIGURES = {
      "image_size": 551776768,              # bytes, uncompressed, as the builder stores them
      "layers": 5,                          # layers that hold files (base image included)
      "cold_build_s": 113.8,                # build without the layer cache
      "rebuild_s": 105.6,                   # build after the one-line change, cache on; or null
                                            # (with --rebuilds N, the median run: the lower middle)
      "rebuilds_s": [105.6],                # every rebuild, in the order they ran; or null
      "context_bytes": 6292906,             # what the builder is sent, .dockerignore honoured
      "context_files": 13,
      "smoke": {"command": "...", "ok": true} | null,     # null without --run
      "rebuild_steps": [                    # the rebuild's steps, in log order; null without
        {"instruction": "RUN pip install -r requirements.txt",   # a rebuild, [] when the
         "cached": false, "seconds": 97.2}                       # builder's log is unreadable
      ],
      "layer_sizes": [                      # only with --layers; largest first
        {"instruction": "RUN pip install --user -r requirements.txt",
         "location": "Dockerfile:7", "size": 175303168}
      ]
    }

A rebuild step is ``cached`` when the builder reused its layer; its ``seconds`` are then the
time the builder took to check that (``FROM`` steps are left out; see ``slimfix.measure.steps``).

In ``after``, locations are lines of the rewritten Dockerfile (``slimfix --diff`` shows it).
The base image's layers are one row, at the FROM line, labelled ``(base image, N layers)``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from slimfix.measure.layers import LayerSize
from slimfix.measure.steps import Step

VERSION = 1


@dataclass(frozen=True)
class Smoke:
    command: str
    ok: bool
    output: str = ""  # the end of what it printed (shown in a note when it failed)


@dataclass(frozen=True)
class Figures:
    image_size: int
    layers: int
    cold_build_s: float
    rebuild_s: float | None
    context_bytes: int
    context_files: int
    smoke: Smoke | None = None
    layer_sizes: tuple[LayerSize, ...] | None = None  # None: not asked for
    rebuild_steps: tuple[Step, ...] | None = None  # of the run rebuild_s reports; None: no rebuild
    rebuilds: tuple[float, ...] | None = None  # every rebuild's seconds; None: no rebuild


@dataclass(frozen=True)
class Measurement:
    builder: str
    dockerfile: str
    changed: bool
    touched: str | None
    before: Figures
    after: Figures
    notes: tuple[str, ...] = ()

    @property
    def smoke_regressed(self) -> bool:
        """The smoke command passes in the original image and fails in the rewrite."""
        b, a = self.before.smoke, self.after.smoke
        return b is not None and a is not None and b.ok and not a.ok


def figures_dict(f: Figures) -> dict:
    out: dict = {
        "image_size": f.image_size,
        "layers": f.layers,
        "cold_build_s": round(f.cold_build_s, 2),
        "rebuild_s": None if f.rebuild_s is None else round(f.rebuild_s, 2),
        "rebuilds_s": None if f.rebuilds is None else [round(s, 2) for s in f.rebuilds],
        "context_bytes": f.context_bytes,
        "context_files": f.context_files,
        "smoke": None if f.smoke is None else {"command": f.smoke.command, "ok": f.smoke.ok},
        "rebuild_steps": None if f.rebuild_steps is None else [
            {"instruction": step.instruction, "cached": step.cached, "seconds": round(step.seconds, 2)}
            for step in f.rebuild_steps
        ],
    }
    if f.layer_sizes is not None:
        out["layer_sizes"] = [
            {"instruction": row.instruction, "location": row.location, "size": row.size} for row in f.layer_sizes
        ]
    return out


def to_json(m: Measurement) -> str:
    data = {
        "version": VERSION,
        "builder": m.builder,
        "dockerfile": m.dockerfile,
        "changed": m.changed,
        "touched": m.touched,
        "before": figures_dict(m.before),
        "after": figures_dict(m.after),
        "notes": list(m.notes),
    }
    return json.dumps(data, indent=2)


def human_bytes(size: int) -> str:
    """Decimal units, as docker and buildah print image sizes."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} B"


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} s"


def _ratio(before: float | None, after: float | None) -> str:
    if before is None or after is None or before == after:
        return "" if before is None or after is None else "same"
    if before == 0:
        return "new"
    change = f"{(after - before) / before * 100:+.0f}%"
    return "same" if change in ("+0%", "-0%") else change


def _count(before: int, after: int) -> str:
    return "same" if before == after else f"{after - before:+d}"


def _smoke(s: Smoke | None) -> str:
    return "-" if s is None else ("ok" if s.ok else "FAILED")


def render_table(m: Measurement) -> str:
    """The side-by-side table, the --layers breakdown when collected, and the notes."""
    b, a = m.before, m.after
    runs = len(b.rebuilds or ())
    median = f"median of {runs}" if runs > 1 else ""
    why = ", ".join(filter(None, (m.touched and f"{m.touched} changed", median)))
    rebuild = f"rebuild ({why})" if why else "rebuild"
    rows = [
        ("", "before", "after", "change"),
        ("image size", human_bytes(b.image_size), human_bytes(a.image_size), _ratio(b.image_size, a.image_size)),
        ("layers", str(b.layers), str(a.layers), _count(b.layers, a.layers)),
        ("cold build", _seconds(b.cold_build_s), _seconds(a.cold_build_s), _ratio(b.cold_build_s, a.cold_build_s)),
        (rebuild, _seconds(b.rebuild_s), _seconds(a.rebuild_s), _ratio(b.rebuild_s, a.rebuild_s)),
        ("build context", human_bytes(b.context_bytes), human_bytes(a.context_bytes),
         _ratio(b.context_bytes, a.context_bytes)),
        ("context files", str(b.context_files), str(a.context_files), _count(b.context_files, a.context_files)),
    ]
    if b.smoke is not None:
        rows.append((f"smoke: {_clip(b.smoke.command, 30)}", _smoke(b.smoke), _smoke(a.smoke), ""))
    widths = [max(len(row[k]) for row in rows) for k in range(4)]
    lines = [f"slimfix measure: {m.dockerfile}, built with {m.builder}", ""]
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [cell.rjust(widths[k + 1]) for k, cell in enumerate(row[1:])]
        lines.append("  ".join(cells).rstrip())
    sides = (("before", b), ("after", a)) if m.changed else (("before", b),)
    if any(figures.rebuild_steps for _, figures in sides):
        lines += ["", f"steps the rebuild ran again ({m.touched} changed):"]
        for label, figures in sides:
            lines += _step_rows(label, figures.rebuild_steps or ())
    for label, figures in (("before", b), ("after", a)):
        if figures.layer_sizes is not None and (label == "before" or m.changed):
            where = " (lines of the rewritten Dockerfile)" if label == "after" else ""
            lines += ["", f"layers {label}, largest first{where}:"]
            lines += _layer_rows(figures.layer_sizes)
    if m.notes:
        lines += ["", "notes:"] + [f"- {note}" for note in m.notes]
    return "\n".join(lines) + "\n"


def _layer_rows(rows: tuple[LayerSize, ...]) -> list[str]:
    if not rows:
        return ["  (no layer could be matched to an instruction)"]
    size_w = max(len(human_bytes(r.size)) for r in rows)
    loc_w = max(len(r.location) for r in rows)
    return [
        f"  {human_bytes(r.size).rjust(size_w)}  {r.location.ljust(loc_w)}  {_clip(r.instruction, 70)}" for r in rows
    ]


def _step_rows(label: str, steps: tuple[Step, ...]) -> list[str]:
    ran = [step for step in steps if not step.cached]
    reused = [step for step in steps if step.cached]
    head = f"  {label}: {len(ran)} of {len(steps)} steps"
    if reused:
        head += f"; the {len(reused)} reused took {sum(s.seconds for s in reused):.1f} s to check"
    return [head] + [f"    {step.seconds:6.1f} s  {_clip(step.instruction, 66)}" for step in ran]


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."
