"""SF301 build-tools-in-final-image

## What it does
Finds a final stage that installs build-only tools (compilers, `build-essential`, `-dev`
headers, `git`, `cmake`, `rustc`) to build its dependencies, and splits it in two: a
`builder` stage installs the tools and the dependencies, and an `app` stage from the same
base installs only the runtime libraries (`libpq5` for `libpq-dev`), copies the installed
dependencies with `COPY --from=builder`, copies the source from the build context, and
keeps the stage's settings (WORKDIR, ENV, ARG, USER, EXPOSE, LABEL, VOLUME, HEALTHCHECK,
STOPSIGNAL, SHELL, CMD, ENTRYPOINT).

What is copied: `pip install --user` -> `/root/.local` (and `/root/.local/bin` on PATH); a
plain `pip install` or `poetry install` -> a virtual environment `/opt/venv` made in the
builder (with `VIRTUAL_ENV` set for Poetry, which otherwise installs into the base Python); `npm ci` -> `node_modules`; `go build -o` -> the binary.

## Why is this bad?
Compilers and headers take hundreds of megabytes that the running app never uses, and
every image pulled, scanned and shipped carries them.

## Example
```dockerfile
FROM python:3.12-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
CMD ["python", "app.py"]
```

## Use instead
```dockerfile
FROM python:3.12-slim-bookworm AS builder
RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

FROM python:3.12-slim-bookworm AS app
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY . .
CMD ["python", "app.py"]
```

The split waits until the install reads only the dependency manifests (SF201 copies them
first) and every WORKDIR is absolute (SF403); without those transforms it says so.

## Fix safety
Safe when the runtime package of every build package is known: the app gets the same
base, libraries, dependencies, files and settings (the build-verification suite builds
and runs both images).  Unsafe when a RUN after the install moves into the app stage,
which no longer has the tools.  Report only when a runtime package cannot be determined
(`libgdal-dev`, or a release-dependent name under a tag that names no release), or the
stage does something slimfix cannot place.
"""

from __future__ import annotations

from collections.abc import Iterator

from slimfix.engine import Context, Diagnostic, Edit, Safety
from slimfix.stage_shape import Shape, analyse

CODE = "SF301"


def check(ctx: Context) -> Iterator[Diagnostic]:
    df = ctx.df
    if not ctx.last or not df.stages or df.stages[-1].index < 0:  # the final stage, once
        return
    shape = analyse(df, df.stages[-1])
    if shape is None:
        return
    names = ", ".join(dict.fromkeys(p.name for p in shape.tools))
    message = f"build tools ({names}) stay in the final image"
    if shape.waits_for and _coming(ctx, shape.waits_for):
        return  # the other transform's fix comes first; the next pass splits the stage
    if not shape.ready:
        yield ctx.diagnostic(shape.tool_run, f"{message}; slimfix cannot split the stage: {shape.problem}")
        return
    from_ = shape.stage.from_
    start = df.span(from_, own=True)[0]
    end = df.span(shape.stage.instructions[-1], own=True)[1]
    text = split_text(ctx, shape)
    original = df.code[start:end]
    if not original.endswith("\n"):
        text = text.rstrip("\r\n")
    safety = Safety.UNSAFE if shape.unsafe else Safety.SAFE
    yield ctx.diagnostic(
        shape.tool_run,
        message,
        safety=safety,
        title="Build the dependencies in a builder stage and copy them into a clean app stage",
        file_edits=[Edit(start, end, text)],
    )


def _coming(ctx: Context, code: str) -> bool:
    """Whether transform ``code`` fixes something in this pass (then the split waits for it)."""
    from slimfix import pragmas
    from slimfix.transforms import load_all

    module = next((m for m in load_all() if m.CODE == code), None)
    if module is None or not ctx.settings.enabled(code):
        return False
    prag = pragmas.scan(ctx.df)
    return any(
        d.fix is not None and d.fix.applies(ctx.settings.unsafe_fixes) and not prag.suppressed(d)
        for d in module.check(Context(ctx.df, ctx.settings, ctx.path, code))
    )


def split_text(ctx: Context, shape: Shape) -> str:
    """The builder and app stages that replace the stage, as text."""
    df, nl = ctx.df, ctx.df.newline
    stage = shape.stage
    from_ = stage.from_
    taken = {s.name for s in df.stages if s.name is not None and s is not stage}
    own_name = from_.value[2] if len(from_.value) == 3 else None
    builder = _free("builder", taken)
    app = own_name or _free("app", taken | {builder})
    lower = from_.keyword.islower()

    def kw(text: str) -> str:
        return text.lower() if lower else text

    def full(instr) -> str:
        out: list[str] = []
        instr.emit(out, nl)
        return _line("".join(out), nl)

    def own(instr) -> str:
        out: list[str] = []
        instr.emit_own(out, nl)
        return _line("".join(out).lstrip(" \t"), nl)

    path = f"{kw('ENV')} {f'VIRTUAL_ENV={shape.deps} ' if shape.activate else ''}PATH={shape.bin_dir}:$PATH{nl}"
    venv = f"{kw('RUN')} python -m venv {shape.deps}{nl}{path}" if shape.make_venv is not None else ""
    parts = [_from_line(from_, builder, lower) + nl]
    for instr in shape.builder:
        if instr is shape.make_venv:
            parts.append(venv)
        parts.append(full(instr))
    parts += [nl, _from_line(from_, app, lower) + nl]
    body = stage.instructions[1:]
    pre = body[: body.index(shape.install) + 1]
    first_packages = shape.package_runs[0] if shape.package_runs else None
    for instr in pre:
        if instr is first_packages and shape.runtime:
            mounts = ctx.settings.cache_for(app.lower()) == "mounts"
            parts.append(_runtime_run(shape, kw, mounts) + nl)
        if instr in shape.app_pre:
            parts.append(own(instr) if instr in shape.builder else full(instr))
    parts.append(f"{kw('COPY')} --from={builder} {shape.deps} {shape.deps}{nl}")
    if shape.bin_dir and not shape.has_path:
        parts.append(path)
    parts += [full(instr) for instr in shape.app_post]
    return "".join(parts)


def _line(text: str, nl: str) -> str:
    return text if text.endswith("\n") else text + nl


def _free(name: str, taken: set[str]) -> str:
    k = 1
    candidate = name
    while candidate.lower() in taken:
        k += 1
        candidate = f"{name}-{k}"
    return candidate


def _from_line(from_, name: str, lower: bool) -> str:
    value = from_.value
    as_word = value[1] if len(value) == 3 else ("as" if lower else "AS")
    flags = [f.word for f in from_.flags]
    return " ".join([from_.keyword, *flags, value[0], as_word, name])


def _runtime_run(shape: Shape, kw, mounts: bool) -> str:
    """The app's package install; under the mounts cache policy SF103 adds the cache mounts."""
    packages = " ".join(shape.runtime)
    if shape.manager == "apk":
        return f"{kw('RUN')} apk add {'' if mounts else '--no-cache '}{packages}"
    env = "DEBIAN_FRONTEND=noninteractive " if shape.noninteractive else ""
    flags = "-y --no-install-recommends" if shape.no_recommends else "-y"
    clean = "" if mounts else " && rm -rf /var/lib/apt/lists/*"
    return f"{kw('RUN')} apt-get update && {env}apt-get install {flags} {packages}{clean}"
