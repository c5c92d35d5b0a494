"""SF201 whole-context-before-install

## What it does
Finds a ``COPY . DEST`` (or ``ADD``) whose next steps install dependencies from files it
copied (``pip install -r requirements.txt``, ``poetry install --no-root``, ``pipenv install
--deploy``, ``uv sync --no-install-project``, ``npm ci``, ``yarn install --frozen-lockfile``,
``pnpm install --frozen-lockfile``, ``go mod download``, ``bundle install``, ``composer
install --no-scripts --no-autoloader``) and splits it: a COPY of exactly the files the install
reads goes where the COPY was, and the original COPY moves to just after the install.  The
files come from the build context: requirement files are followed through ``-r``/``-c``, lock
files are taken when present, ``.dockerignore`` is honoured.

## Why is this bad?
Every change to any file in the build context invalidates the cache of the ``COPY .`` layer
and of every step after it, so each edit of the source reinstalls all dependencies.  With the
manifests copied first, the install layer is reused until a manifest changes.

## Example
```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN pip install -r requirements.txt
```

## Use instead
```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt
COPY . .
```

## Fix safety
Safe when slimfix proves the install reads nothing but the files copied first and the steps
in between read nothing the COPY brought: the image ends with the same files in the same
places.  Unsafe when the install may rewrite a file it read (``npm install`` and a
``package-lock.json`` that is not a version-3 lock recording package.json's name, version and
dependency ranges as they are, ``bundle install`` without ``--frozen`` and ``Gemfile.lock``, ``go mod
download`` and ``go.sum``): the later COPY puts the build context's copy back.  Reported
without a fix when the install may read the source (``pip install .``, ``poetry install``
without ``--no-root``, lifecycle scripts in ``package.json``, a path dependency, a missing
``-r`` file), when the install runs from a here-document, or when the build context is
unknown.  A step between the COPY and the install
that slimfix cannot prove independent of the COPY (``RUN ./generate.sh``) ends the search
silently: the install may well need it.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from pathlib import Path

from slimfix import installs
from slimfix.cst import Instruction, parse_instruction
from slimfix.cst.nodes import Continuation
from slimfix.dockerignore import (
    DockerignoreError,
    Matcher,
    find_ignore_file,
    read_dockerignore,
)
from slimfix.engine import Context, Diagnostic, Safety
from slimfix.errors import SlimfixSyntaxError
from slimfix.installs import clean
from slimfix.shell import script

CODE = "SF201"

# Instructions that read no file of the image and may sit between the COPY and the install.
_PASSIVE = frozenset(
    {"ENV", "ARG", "LABEL", "EXPOSE", "USER", "STOPSIGNAL", "HEALTHCHECK", "CMD", "ENTRYPOINT", "ONBUILD", "MAINTAINER", "WORKDIR"}
)
_COPY_FLAGS = frozenset({"chown", "chmod", "link"})
_PLAIN_NAME = r"[A-Za-z0-9._@+=-]+(/[A-Za-z0-9._@+=-]+)*$"  # compiled on first use


def check(ctx: Context) -> Iterator[Diagnostic]:
    # the build context, read at the first whole-context COPY; each stage's WORKDIR at its end
    views: list[_View | str | None] = ctx.carry.setdefault("views", [])
    ends: dict[str, str | None] = ctx.carry.setdefault("ends", {})
    for stage in ctx.stages:
        base = (stage.base or "").lower()
        cwd = ends.get(base, "/") if stage.from_ is not None else "/"
        env: dict[str, str] = {}
        earlier: list[str] = []
        body = stage.instructions
        for k, instr in enumerate(body):
            if instr.name in ("COPY", "ADD") and cwd is not None and not instr.sem.flag("from"):
                dest = _whole_context_dest(instr, cwd)
                if dest is not None and not any(installs.under(d, dest) for d in earlier):
                    if not views:
                        views.append(_context(ctx))
                    found = _split(ctx, views[0], stage, k, dest, cwd, env)
                    if found is not None:
                        yield found
                target = _target(instr, cwd)
                if target is not None:
                    earlier.append(target)
            cwd = _step(instr, cwd, env)
        ends[str(stage.index)] = cwd
        if stage.name:
            ends[stage.name] = cwd


# ---- the build context -------------------------------------------------------------------


class _View:
    """The build context as BuildKit sends it, mapped onto ``dest`` in the image.

    Plain classes here, not dataclasses: creating one costs start-up time."""

    __slots__ = ("dest", "matcher", "problems", "root", "texts")

    def __init__(
        self, root: Path, matcher: Matcher | None, dest: str = "/", problems: list[str] | None = None,
        texts: dict[str, tuple[str | None, str]] | None = None,
    ) -> None:
        self.root = root
        self.matcher = matcher
        self.dest = dest
        self.problems: list[str] = [] if problems is None else problems
        self.texts: dict[str, tuple[str | None, str]] = {} if texts is None else texts  # shared by every copy

    def at(self, dest: str, problems: list[str] | None = None) -> _View:
        """The same context mapped onto ``dest`` (its problems kept unless given)."""
        return _View(self.root, self.matcher, dest, self.problems if problems is None else problems, self.texts)

    def relpath(self, path: str) -> str | None:
        if not installs.under(path, self.dest) or path == self.dest:
            return None
        return posixpath.relpath(path, self.dest)

    def inside(self, path: str) -> bool:
        return installs.under(path, self.dest)

    def read(self, path: str) -> str | None:
        rel = self.relpath(path)
        if rel is None:
            return None
        if rel not in self.texts:
            self.texts[rel] = self._load(rel)
        text, problem = self.texts[rel]
        if problem:
            self.problems.append(problem)
        return text

    def _load(self, rel: str) -> tuple[str | None, str]:
        """A context file's text as the COPY sends it, and why it cannot be used."""
        if self.matcher is not None and self.matcher.excluded(rel):
            return None, ""
        file = self.root / rel
        if any(p.is_symlink() for p in (file, *file.parents) if p != self.root and self.root in p.parents):
            return None, f"{rel} is a symbolic link in the build context"
        if not file.is_file():
            return None, ""
        try:
            return file.read_text(encoding="utf-8", errors="replace"), ""
        except OSError as exc:
            return None, f"{rel} cannot be read ({exc.strerror})"

    def present(self, path: str) -> bool:
        """Whether the COPY brings anything to ``path``."""
        rel = self.relpath(path)
        if rel is None:
            return path == self.dest
        file = self.root / rel
        if not (file.exists() or file.is_symlink()):
            return False
        if self.matcher is not None and self.matcher.excluded(rel):
            return file.is_dir() and not self.matcher.prunes(rel)
        return True


def _context(ctx: Context) -> _View | str | None:
    """The build context, a reason it cannot be used, or None when it is unknown."""
    root = ctx.settings.context
    if root is None:
        return None
    root = Path(root)
    if not root.is_dir():
        return f"the build context {root} is not a folder"
    ignore = find_ignore_file(root, ctx.path)
    try:
        matcher = Matcher(read_dockerignore(ignore)) if ignore is not None else None
    except (DockerignoreError, OSError, UnicodeDecodeError) as exc:
        return f"the ignore file cannot be read ({exc})"
    return _View(root, matcher)


# ---- following the stage -----------------------------------------------------------------


def _step(instr: Instruction, cwd: str | None, env: dict[str, str]) -> str | None:
    """The working directory after ``instr``; ``env`` gets its ENV and ARG settings."""
    name = instr.name
    if name == "WORKDIR":
        value = instr.value[0] if instr.value else ""
        if "$" in value or cwd is None and not value.startswith("/"):
            return None
        return clean(posixpath.join(cwd or "/", value))
    if name == "ENV":
        v = instr.value
        for key, value in zip(v[0::2], v[1::2]):
            env[key] = _unquote(value)
    elif name == "ARG":
        for word in instr.value:
            key, _, value = word.partition("=")
            env[key] = _unquote(value)
    return cwd


def _unquote(value: str) -> str:
    return value[1:-1] if len(value) > 1 and value[0] == value[-1] and value[0] in "'\"" else value


def _whole_context_dest(instr: Instruction, cwd: str) -> str | None:
    """Where a ``COPY . DEST`` puts the build context, or None for any other COPY."""
    sem = instr.sem
    if sem.json or instr.heredocs or len(sem.value) != 2:
        return None
    if any(f.name not in _COPY_FLAGS for f in sem.flags):
        return None
    source, dest = sem.value
    if clean(source) != "." or any(c in dest for c in "$'\"\\"):
        return None
    target = clean(posixpath.join(cwd, dest))
    return None if target == "/" else target  # every step writes under /


def _target(instr: Instruction, cwd: str) -> str | None:
    """Where any other context COPY writes (its destination path)."""
    dest = instr.sem.value[-1] if instr.sem.value else ""
    if not dest or "$" in dest or instr.sem.json:
        return None
    return clean(posixpath.join(cwd, dest))


# ---- the split -----------------------------------------------------------------------------


class _Install:
    __slots__ = ("cwd", "files", "reasons", "rewrites", "run", "text")

    def __init__(
        self, run: Instruction, cwd: str, text: str, files: tuple[str, ...] = (), rewrites: tuple[str, ...] = (),
        reasons: list[str] | None = None,
    ) -> None:
        self.run = run
        self.cwd = cwd  # the WORKDIR in force for the RUN
        self.text = text  # the install command(s), for messages
        self.files = files
        self.rewrites = rewrites
        self.reasons: list[str] = [] if reasons is None else reasons

    def then(self, later: _Install) -> _Install:
        """This install and a later one, the rest of the COPY going after the later one."""
        files = (*self.files, *(p for p in later.files if p not in self.files))
        rewrites = tuple(dict.fromkeys((*self.rewrites, *later.rewrites)))
        return _Install(later.run, later.cwd, f"{self.text}` and `{later.text}", files, rewrites)


def _split(ctx: Context, view, stage, k: int, dest: str, cwd: str, env: dict[str, str]) -> Diagnostic | None:
    """Follow the stage from COPY ``k`` to the install RUNs that read only what it brought."""
    body = stage.instructions
    copy = body[k]
    here, env = cwd, dict(env)
    has_var = "$" in copy.sem.line
    split: _Install | None = None  # the installs so far that can run before the rest
    for m in range(k + 1, len(body)):
        instr = body[m]
        name = instr.name
        if name == "RUN":
            if _quiet_run(instr, here, dest):
                continue
            found = _install(instr, here, dest, env, view)
            if found is not None and not found.reasons:
                split = found if split is None else split.then(found)
                continue
            if found is not None:
                split = split or found
                break
            if not _independent(ctx, stage, k, m):
                break
            continue
        passive = name in _PASSIVE and not (name in ("ENV", "ARG") and has_var)
        if not (passive and _workdir_ok(instr, here, dest, view)) and not _independent(ctx, stage, k, m):
            break
        here = _step(instr, here, env)
        if here is None:
            break
    return None if split is None else _diagnose(ctx, copy, dest, cwd, split)


def _workdir_ok(instr: Instruction, cwd: str, dest: str, view) -> bool:
    """A WORKDIR may run before the rest of the COPY unless it makes a folder that COPY brings."""
    if instr.name != "WORKDIR":
        return True
    path = _step(instr, cwd, {})
    if path is None or path == dest or not installs.under(path, dest):
        return True
    return isinstance(view, _View) and not view.at(dest).present(path)


def _independent(ctx: Context, stage, k: int, m: int) -> bool:
    """Whether the dependency model proves that step ``m`` does not need COPY ``k`` before it."""
    try:
        from slimfix.analysis import depends, stage_steps

        steps = stage_steps(ctx.df, stage)
    except ImportError:  # the model's command footprints are not installed
        return False
    return not depends(steps[k].effects, steps[m].effects)


def _commands(instr: Instruction, cwd: str) -> tuple[list, tuple[str, ...]] | None:
    """``(command, working directory)`` pairs of a shell-form RUN following ``cd``, and what the
    shell-word view did not understand; None when slimfix cannot follow the RUN."""
    scr = script(instr)
    if scr is None:
        return None
    out = []
    here = cwd
    for cmd in scr.commands:
        if cmd.program == "cd":
            target = cmd.argv[1].value if len(cmd.argv) == 2 else None
            if target is None or cmd.depth or cmd.op_before not in (None, "&&"):
                return None
            here = clean(posixpath.join(here, target))
            continue
        out.append((cmd, here))
    return out, scr.opaque


def _mounts_into(instr: Instruction, dest: str) -> bool:
    for f in instr.sem.flags:
        if f.name == "mount" and f.value:
            for part in f.value.split(","):
                key, _, value = part.partition("=")
                if key in ("target", "dst", "destination") and installs.under(clean(value), dest):
                    return True
    return False


def _quiet_run(instr: Instruction, cwd: str, dest: str) -> bool:
    """A RUN that reads and writes nothing under ``dest`` (apt-get, apk, pip install NAME)."""
    followed = _commands(instr, cwd)
    if followed is None or followed[1] or _mounts_into(instr, dest):
        return False
    for cmd, here in followed[0]:
        if installs.reads_nothing(cmd, dest):
            continue
        found = installs.recognise(cmd)
        if found is None or found.project or not installs.quiet_redirects(cmd):
            return False
        result = installs.reads(found, here, _Nothing())  # pip install NAME --target DIR
        if result.source or any(installs.under(w, dest) for w in result.writes):
            return False
    return True


class _Nothing:
    def inside(self, path: str) -> bool:
        return False

    def read(self, path: str) -> str | None:
        return None


def _install(instr: Instruction, cwd: str, dest: str, env: dict[str, str], view) -> _Install | None:
    """The install a RUN runs from files under ``dest``; None when the RUN is something else."""
    followed = _commands(instr, cwd)
    if followed is None:
        return None
    cmds, opaque = followed
    found = [(installs.recognise(c), c, here) for c, here in cmds]
    projects = [(f, c, here) for f, c, here in found if f is not None and f.project and _aims_at(c, here, dest)]
    if not projects:
        inner = _heredoc_install(instr)
        if inner is None:
            return None
        return _Install(instr, cwd, inner, reasons=["the RUN runs a here-document, which slimfix does not follow"])
    result = _Install(instr, cwd, " && ".join(f.text for f, _, _ in projects))
    if opaque:
        result.reasons.append("the RUN holds " + ", ".join(opaque))
    if _mounts_into(instr, dest):
        result.reasons.append(f"the RUN mounts something into {dest}")
    for f, c, _ in found:
        if (f is None and not installs.reads_nothing(c, dest)) or (f is not None and not installs.quiet_redirects(c)):
            text = " ".join(w.raw for w in c.argv)
            result.reasons.append(f"`{text}` in the same RUN may read or write the source")
    if view is None:
        result.reasons.append("the build context is unknown (pass --context), so slimfix cannot check what it reads")
        return result
    if isinstance(view, str):
        result.reasons.append(view)
        return result
    view = view.at(dest, problems=[])
    files: list[str] = []
    rewrites: list[str] = []
    for f, c, here in found:
        if f is None:
            continue
        got = installs.reads(f, here, view, env | {k: v for k, v in c.assignments.items()})
        result.reasons.extend(got.source)
        files.extend(p for p in got.files if p not in files)
        rewrites.extend(got.rewrites)
        for w in got.writes:
            if installs.under(w, dest) and w != dest and view.present(w):
                rel = posixpath.relpath(w, dest)
                result.reasons.append(
                    f"the build context has {rel} (not left out by .dockerignore), which the later COPY would lay over what the install made"
                )
            elif w == dest:
                result.reasons.append(f"it writes into {dest} itself")
    for w in _side_writes(env, dest):
        if installs.under(w, dest) and w != dest and view.present(w):
            rel = posixpath.relpath(w, dest)
            result.reasons.append(f"the build context has {rel}, where installs keep caches or environments")
    result.reasons.extend(view.problems)
    for path in files:
        rel = posixpath.relpath(path, dest)
        if not re.match(_PLAIN_NAME, rel):
            result.reasons.append(f"the file name {rel!r} would need quoting in COPY")
    result.files = tuple(files)
    result.rewrites = tuple(dict.fromkeys(rewrites))
    if not files and not result.reasons:
        result.reasons.append("it reads no file of the build context that slimfix could find")
    return result


def _heredoc_install(instr: Instruction) -> str | None:
    """The first project install a line of the RUN's here-documents runs, if any."""
    for doc in instr.heredocs:
        for line in doc.content.splitlines():
            try:
                scr = script(parse_instruction(f"RUN {line}\n", escape=instr.escape))
            except SlimfixSyntaxError:
                continue
            for cmd in scr.commands if scr is not None else ():
                found = installs.recognise(cmd)
                if found is not None and found.project:
                    return found.text
    return None


# Variables that name where installs put environments and caches; and such folders in a home.
_WRITE_VARS = frozenset(
    {
        "VIRTUAL_ENV", "PATH", "PYTHONUSERBASE", "NPM_CONFIG_CACHE", "npm_config_cache", "YARN_CACHE_FOLDER",
        "PNPM_HOME", "GOPATH", "GOMODCACHE", "GOCACHE", "BUNDLE_PATH", "GEM_HOME", "COMPOSER_HOME",
        "COMPOSER_CACHE_DIR", "POETRY_CACHE_DIR", "POETRY_VIRTUALENVS_PATH", "UV_CACHE_DIR", "PIPENV_CACHE_DIR",
        "WORKON_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME",
    }
)
_HOME_DIRS = (".cache", ".local", ".npm", ".yarn", ".config", ".gem", ".bundle", ".composer", "go")


def _side_writes(env: dict[str, str], dest: str) -> list[str]:
    """Folders outside the working directory that an install may write to."""
    out: list[str] = []
    for name in _WRITE_VARS & env.keys():
        for part in env[name].split(":"):
            if part.startswith("/"):
                path = clean(part)
                out.append(posixpath.dirname(path) if name == "PATH" and path.endswith("/bin") else path)
    homes = [clean(env["HOME"])] if env.get("HOME", "").startswith("/") else ["/root"]
    if installs.under(dest, "/home") and dest.count("/") == 2:  # DEST is /home/<user>
        homes.append(dest)
    out.extend(f"{home}/{d}" for home in homes for d in _HOME_DIRS)
    return out


def _aims_at(cmd, cwd: str, dest: str) -> bool:
    """An install that runs in ``dest`` or names a path in it."""
    return installs.under(cwd, dest) or any((w.value or "").startswith(dest.rstrip("/") + "/") for w in cmd.argv)


def _diagnose(ctx: Context, copy: Instruction, dest: str, cwd: str, found: _Install) -> Diagnostic:
    shown = " ".join(copy.sem.line.split())
    head = f"`{shown}` copies the whole build context before `{found.text}`, so any source change reruns the install"
    if found.reasons:
        reasons = "; ".join(dict.fromkeys(found.reasons))
        return ctx.diagnostic(copy, f"{head}; slimfix leaves it: {reasons}", safety=Safety.DISPLAY_ONLY)
    rels = [posixpath.relpath(p, dest) for p in found.files]
    safety = Safety.SAFE
    message = f"{head}; copy {', '.join(rels)} first"
    if found.rewrites:
        names = ", ".join(posixpath.relpath(p, dest) for p in found.rewrites)
        message += f" (unsafe: the install may rewrite {names}, which the later COPY resets to the build context's copy)"
        safety = Safety.UNSAFE
    if any(isinstance(p, Continuation) and any(line.is_comment for line in p.inner) for p in copy.parts):
        safety = Safety.UNSAFE
    edits = [
        ctx.replace(copy, _manifest_copy(copy, rels)),
        ctx.insert_after(found.run, _rest_copy(copy, dest, cwd, found.cwd)),
    ]
    return ctx.diagnostic(copy, message, safety=safety, file_edits=edits, title=f"Copy {', '.join(rels)} before the install")


def _flag_words(copy: Instruction) -> list[str]:
    sem, text = copy.sem, copy.text
    return [text[sem.to_text(f.start) : sem.to_text(f.end, end=True)] for f in sem.flags]


def _line_end(text: str) -> str:
    for nl in ("\r\n", "\n"):
        if text.endswith(nl):
            return nl
    return ""


def _manifest_copy(copy: Instruction, rels: list[str]) -> str:
    """One COPY per folder, the root first, each to the destination spelled as the author did."""
    groups: dict[str, list[str]] = {}
    for rel in rels:
        groups.setdefault(posixpath.dirname(rel), []).append(rel)
    prefix = _dest_prefix(copy.sem.value[-1])
    flags = _flag_words(copy)
    end = _line_end(copy.text)
    lines = [
        " ".join([copy.keyword, *flags, *names, prefix + (folder + "/" if folder else "")])
        for folder, names in sorted(groups.items(), key=lambda g: (g[0] != "", g[0]))
    ]
    return copy.indent + ((end or "\n") + copy.indent).join(lines) + end


def _dest_prefix(dest: str) -> str:
    """``/app`` -> ``/app/``, ``.`` and ``./`` -> ``./``, ``/`` -> ``/``."""
    d = dest
    while d.endswith("/."):
        d = d[:-2]
    d = d.rstrip("/")
    if not d:
        return "/"
    return "./" if d == "." else d + "/"


def _rest_copy(copy: Instruction, dest: str, cwd: str, run_cwd: str) -> str:
    """The original COPY, its destination made absolute if the working directory moved."""
    text = copy.text
    dest_word = copy.sem.value[-1]
    if cwd == run_cwd or dest_word.startswith("/"):
        return text
    line = copy.sem.line.rstrip()
    start = copy.sem.to_text(len(line) - len(dest_word))
    end = copy.sem.to_text(len(line), end=True)
    return text[:start] + dest + text[end:]
