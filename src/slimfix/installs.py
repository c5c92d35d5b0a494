"""Dependency-install steps and the exact files they read.

``recognise(cmd)`` names the install a shell command runs (pip, Poetry, Pipenv, uv, npm, Yarn,
pnpm, Go, Bundler, Composer, gem) from its words alone.  ``reads(install, cwd, files, env)``
then works out, from the files the image holds at that point, which of them the install reads,
which folders it fills in its working directory, which of the files it read it may rewrite and,
when it may read more than those files (the project's own source, a path dependency, a
lifecycle script), why.  ``reads_nothing(cmd, protected)`` tells the system steps (apt-get, apk,
cache clean-up) that read and write nothing under a folder.

Every path is an absolute POSIX path in the image.
"""

from __future__ import annotations

import posixpath
import re
import sys
from collections.abc import Mapping
from typing import Protocol

from slimfix.cst.record import Frozen
from slimfix.cst.record import init_field as _set
from slimfix.lazy_re import Lazy
from slimfix.shell import Command, Word


def _tomllib():
    """tomllib (or tomli on Python 3.10), imported on first use; None without either."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10 reads TOML only with tomli installed
        try:
            import tomli as tomllib
        except ModuleNotFoundError:
            tomllib = None
    return tomllib

__all__ = ["Files", "Install", "Reads", "clean", "quiet_redirects", "reads", "reads_nothing", "recognise", "under"]


class Files(Protocol):
    """The files the image holds where an install runs."""

    def inside(self, path: str) -> bool:
        """Whether ``path`` is where this view knows the files (else: outside our knowledge)."""

    def read(self, path: str) -> str | None:
        """The text of a file that is ``inside``; None when the image does not have it."""


# Records written by hand like ``engine.Edit``: a dataclass costs a fraction of a millisecond
# to create at import, and ``slimfix -`` starts on every save.


class Install(Frozen):
    __slots__ = _fields = ("tool", "verb", "args", "text", "project")
    tool: str  # pip, poetry, pipenv, uv, npm, yarn, pnpm, go, bundler, composer, gem
    verb: str  # install, ci, sync, download, ...
    args: tuple[str | None, ...]  # the words after the verb; None for a word holding $VAR
    text: str  # the command as written, for messages
    project: bool  # whether it reads the project's files at all (pip install flask: no)

    def __init__(self, tool: str, verb: str, args: tuple[str | None, ...], text: str, project: bool) -> None:
        _set(self, "tool", tool)
        _set(self, "verb", verb)
        _set(self, "args", args)
        _set(self, "text", text)
        _set(self, "project", project)


class Reads(Frozen):
    __slots__ = _fields = ("files", "writes", "rewrites", "source")
    files: tuple[str, ...]  # files it reads, in the order it reads them
    writes: tuple[str, ...]  # folders (or files) it creates in the image
    rewrites: tuple[str, ...]  # files among ``files`` it may change
    source: tuple[str, ...]  # why it may read more than ``files``; empty: it reads only those

    def __init__(
        self, files: tuple[str, ...] = (), writes: tuple[str, ...] = (), rewrites: tuple[str, ...] = (),
        source: tuple[str, ...] = (),
    ) -> None:
        _set(self, "files", files)
        _set(self, "writes", writes)
        _set(self, "rewrites", rewrites)
        _set(self, "source", source)


def clean(path: str) -> str:
    """``posixpath.normpath`` without its leading-``//`` exception."""
    out = posixpath.normpath(path)
    return "/" + out.lstrip("/") if out.startswith("//") else out


def _join(cwd: str, path: str) -> str:
    return clean(posixpath.join(cwd, path))


def under(path: str, folder: str) -> bool:
    """Whether ``path`` is ``folder`` or inside it."""
    return folder == "/" or path == folder or path.startswith(folder.rstrip("/") + "/")


# ---- recognising the command ---------------------------------------------------------------

# Compiled on first use (``slimfix.lazy_re``): most runs never need them.
_PIP = Lazy(r"pip(\d+(\.\d+)*)?$")
_PYTHON = Lazy(r"python(\d+(\.\d+)*)?$")
_INSTALLERS = frozenset({"uv", "poetry", "pipenv", "npm", "yarn", "pnpm", "go", "bundle", "composer", "gem"})
_PIP_PROJECT_OPTS = frozenset({"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "--group"})


def installer(prog: str) -> bool:
    """Whether ``recognise`` may find an install in a command running ``prog``."""
    if prog in _INSTALLERS:
        return True
    if prog.startswith("pip"):
        return _PIP.match(prog) is not None
    return prog.startswith("python") and _PYTHON.match(prog) is not None


def recognise(cmd: Command) -> Install | None:
    """The install ``cmd`` runs, or None."""
    prog = cmd.program
    if not installer(prog):
        return None  # most commands: none of the programs below
    words = [_word(w) for w in cmd.argv]
    if not words or words[0] is None:
        return None
    rest = words[1:]
    text = " ".join(w.raw for w in cmd.argv)
    if _PYTHON.match(prog) and rest[:2] == ["-m", "pip"]:
        prog, rest = "pip", rest[2:]
    if prog == "uv" and rest[:1] == ["pip"]:
        verb, args = _verb(rest[1:])
        if verb == "install":
            return Install("pip", verb, args, text, _pip_project(args))
        if verb == "sync":
            return Install("pip", "sync", args, text, True)
        return None
    if _PIP.match(prog):
        verb, args = _verb(rest)
        return Install("pip", verb, args, text, _pip_project(args)) if verb == "install" else None
    verb, args = _verb(rest)
    if prog == "uv" and verb == "sync":
        return Install("uv", verb, args, text, True)
    if prog == "poetry" and verb == "install":
        return Install("poetry", verb, args, text, True)
    if prog == "pipenv" and verb in ("install", "sync"):
        return Install("pipenv", verb, args, text, True)
    if prog == "npm" and verb in ("ci", "clean-install", "install-clean", "install", "i"):
        return Install("npm", "ci" if verb in ("ci", "clean-install", "install-clean") else "install", args, text, not _global(args))
    if prog == "yarn" and verb in (None, "install"):
        return Install("yarn", "install", args, text, True)
    if prog == "pnpm" and verb in ("install", "i"):
        return Install("pnpm", "install", args, text, not _global(args))
    if prog == "go" and verb == "mod" and "download" in args:
        return Install("go", "download", tuple(a for a in args if a != "download"), text, True)
    if prog == "bundle" and verb in (None, "install"):
        return Install("bundler", "install", args, text, True)
    if prog == "composer" and verb == "install":
        return Install("composer", verb, args, text, True)
    if prog == "gem" and verb == "install":
        return Install("gem", verb, args, text, False)
    return None


_UNKNOWN = "\x00"  # the value part of ``--name=$VAR``
_OPTION_WITH_VALUE = r"(--?[A-Za-z][\w-]*)="  # compiled on first use


def _word(word: Word) -> str | None:
    """A word's value; ``--name=`` + ``_UNKNOWN`` for an option whose value holds a variable."""
    if word.value is not None:
        return word.value
    m = re.match(_OPTION_WITH_VALUE, word.raw)
    return m.group(1) + "=" + _UNKNOWN if m else None


def _verb(words: list[str | None]) -> tuple[str | None, tuple[str | None, ...]]:
    """The first word that is not an option, and the others."""
    for k, w in enumerate(words):
        if w is None:
            return None, tuple(words)
        if not w.startswith("-"):
            return w, tuple(words[:k] + words[k + 1 :])
    return None, tuple(words)


def _global(args: tuple[str | None, ...]) -> bool:
    return any(a in ("-g", "--global", "--location=global") for a in args)


def _pip_project(args: tuple[str | None, ...]) -> bool:
    opts, operands, problems = _options(args, _PIP_SPEC)
    return bool(problems) or any(n in _PIP_PROJECT_OPTS for n, _ in opts) or any(
        op is None or _local_operand(op) for op in operands
    )


# ---- option parsing ------------------------------------------------------------------------


class _Spec:
    __slots__ = ("flags", "values")

    def __init__(self, values: frozenset[str], flags: frozenset[str]) -> None:
        self.values = values  # options that take a value
        self.flags = flags  # options that take none


def _options(args: tuple[str | None, ...], spec: _Spec) -> tuple[list[tuple[str, str | None]], list[str | None], list[str]]:
    """``(options, operands, problems)``; an option value of None holds a variable."""
    opts: list[tuple[str, str | None]] = []
    operands: list[str | None] = []
    problems: list[str] = []
    k = 0
    while k < len(args):
        a = args[k]
        k += 1
        if a is None:
            problems.append("a word holds a variable")
            continue
        if a == "--":
            operands.extend(args[k:])
            break
        if a.startswith("--") or a.partition("=")[0] in spec.values | spec.flags:
            name, eq, value = a.partition("=")
            if name in spec.values:
                if eq:
                    opts.append((name, None if value == _UNKNOWN else value))
                elif k < len(args):
                    opts.append((name, args[k]))
                    k += 1
                else:
                    problems.append(f"{name} lacks its value")
            elif name in spec.flags:
                opts.append((name, value if eq else ""))
            else:
                problems.append(f"the option {name} is not known to slimfix")
        elif a.startswith("-") and len(a) > 1:
            for j in range(1, len(a)):
                name = "-" + a[j]
                if name in spec.values:
                    if j + 1 < len(a):
                        opts.append((name, a[j + 1 :].removeprefix("=")))
                    elif k < len(args):
                        opts.append((name, args[k]))
                        k += 1
                    else:
                        problems.append(f"{name} lacks its value")
                    break
                if name in spec.flags:
                    opts.append((name, ""))
                else:
                    problems.append(f"the option {name} is not known to slimfix")
                    break
        else:
            operands.append(a)
    return opts, operands, problems


def _has(opts: list[tuple[str, str | None]], *names: str) -> bool:
    return any(n in names for n, _ in opts)


def _spec(values: str, flags: str) -> _Spec:
    return _Spec(frozenset(values.split()), frozenset(flags.split()))


_PIP_SPEC = _spec(
    "-r --requirement -c --constraint -e --editable -i --index-url --extra-index-url -f --find-links "
    "-t --target --prefix --root --src --upgrade-strategy --progress-bar --trusted-host --platform "
    "--python-version --implementation --abi --only-binary --no-binary --log --cache-dir --timeout "
    "--retries --proxy --cert --client-cert --exists-action --global-option --config-settings -C "
    "--report --python -p --use-feature --use-deprecated --root-user-action --keyring-provider --group "
    "--override --build-constraint --index-strategy --link-mode --resolution --prerelease --directory "
    "--project --config-file",
    "--user -U --upgrade --no-cache-dir --no-cache --no-deps --pre --force-reinstall -I --ignore-installed "
    "--ignore-requires-python --no-build-isolation --no-warn-script-location --no-warn-conflicts --compile "
    "--no-compile --prefer-binary --require-hashes --no-index --disable-pip-version-check -q --quiet -v "
    "--verbose --isolated --break-system-packages --no-input --no-color --dry-run --require-virtualenv "
    "--system --no-clean --check-build-dependencies --reinstall --strict --compile-bytecode --offline "
    "--refresh --no-python-downloads -n",
)
_REQ_SPEC = _spec(
    "-r --requirement -c --constraint -e --editable -i --index-url --extra-index-url -f --find-links "
    "--trusted-host --only-binary --no-binary --use-feature --config-settings --global-option",
    "--no-index --pre --prefer-binary --require-hashes",
)
_UV_SPEC = _spec(
    "--extra --group --no-group --only-group --python -p --link-mode --index-url --extra-index-url "
    "--index --default-index --cache-dir --index-strategy --package --directory --project --config-file "
    "--no-install-package --refresh-package --upgrade-package -P --exclude-newer --prerelease --resolution",
    "--frozen --locked --no-dev --only-dev --dev --all-extras --all-groups --no-install-project "
    "--no-install-workspace --no-editable --inexact --exact --compile-bytecode --no-cache --offline -q "
    "--quiet -v --verbose --no-progress --active --no-sources --all-packages --no-python-downloads "
    "--refresh -U --upgrade --no-build-isolation --no-build --native-tls",
)
_POETRY_SPEC = _spec(
    "--only --with --without -E --extras -C --directory -P --project",
    "--no-root --only-root --sync --all-extras --no-dev --compile --no-interaction -n --no-ansi --ansi "
    "-q --quiet -v -vv -vvv --verbose --dry-run --no-plugins --no-cache --no-directory --all-groups",
)
_PIPENV_SPEC = _spec(
    "--python --categories --pypi-mirror",
    "--deploy --system --ignore-pipfile --dev -d --clear -v --verbose -q --quiet --skip-lock "
    "--site-packages --extra-pip-args",
)
_NPM_SPEC = _spec(
    "--omit --include --only --loglevel --cache --registry --prefix -C --install-strategy --workspace -w --location",
    "--production --ignore-scripts --no-audit --audit --no-fund --fund --legacy-peer-deps --prefer-offline "
    "--prefer-online --offline --no-optional --quiet -q --silent -s --unsafe-perm --force -f --no-save "
    "--strict-peer-deps --no-progress --progress --no-package-lock --foreground-scripts --verbose -d "
    "--save-exact -E --save-dev -D --save-prod -P --save-optional -O --global -g",
)
_YARN_SPEC = _spec(
    "--network-timeout --cache-folder --modules-folder --registry --mutex --network-concurrency --cwd",
    "--frozen-lockfile --pure-lockfile --immutable --production --prod --ignore-scripts --non-interactive "
    "--silent -s --no-progress --ignore-engines --prefer-offline --offline --check-files --ignore-optional "
    "--ignore-platform --force --verbose --no-default-rc --link-duplicates --flat",
)
_PNPM_SPEC = _spec(
    "--reporter --store-dir --filter -F --dir -C --virtual-store-dir --loglevel",
    "--frozen-lockfile --prefer-frozen-lockfile --no-frozen-lockfile --prod -P --production --dev -D "
    "--ignore-scripts --prefer-offline --offline --no-optional --shamefully-hoist --silent -s "
    "--strict-peer-dependencies --fix-lockfile --force --global -g --recursive -r",
)
_GO_SPEC = _spec("-modfile -reuse", "-x -json")
_BUNDLE_SPEC = _spec(
    "--jobs -j --retry --without --with --path --binstubs --standalone --gemfile --shebang --trust-policy -P",
    "--deployment --frozen --quiet --no-cache --local --prefer-local --clean --system --full-index "
    "--no-prune --redownload --force --conservative --verbose",
)
_COMPOSER_SPEC = _spec(
    "--ignore-platform-req --working-dir -d",
    "--no-dev --dev --no-scripts --no-autoloader --no-interaction -n --prefer-dist --prefer-source "
    "--prefer-install --no-progress --optimize-autoloader -o --classmap-authoritative -a --apcu-autoloader "
    "--ignore-platform-reqs --no-plugins -q --quiet --ansi --no-ansi --no-suggest --dry-run --audit "
    "--no-audit --verbose -v -vv -vvv --no-cache",
)


# ---- what each install reads ---------------------------------------------------------------


class _Acc:
    __slots__ = ("cwd", "env", "files", "read_files", "rewrites", "source", "writes")

    def __init__(self, cwd: str, files: Files, env: Mapping[str, str]) -> None:
        self.cwd = cwd
        self.files = files
        self.env = env
        self.read_files: list[str] = []
        self.writes: list[str] = []
        self.rewrites: list[str] = []
        self.source: list[str] = []

    def path(self, rel: str) -> str:
        return _join(self.cwd, rel)

    def rel(self, path: str) -> str:
        return posixpath.relpath(path, self.cwd) if under(path, self.cwd) else path

    def read(self, path: str, missing: str | None = None) -> str | None:
        """Read ``path`` (absolute); ``missing`` (with ``{}`` for the name) if it must exist."""
        if not self.files.inside(path):
            if missing:
                self.decline(f"it reads {path}, which this COPY does not provide")
            return None
        text = self.files.read(path)
        if text is None:
            if missing:
                self.decline(missing.format(self.rel(path)))
            return None
        if path not in self.read_files:
            self.read_files.append(path)
        return text

    def decline(self, reason: str) -> None:
        if reason not in self.source:
            self.source.append(reason)

    def result(self) -> Reads:
        return Reads(
            tuple(self.read_files),
            tuple(dict.fromkeys(self.writes)),
            tuple(p for p in dict.fromkeys(self.rewrites) if p in self.read_files),
            tuple(self.source),
        )


# Environment variables that point an install at other files or folders, by the tool they steer.
_PATH_ENV = {
    "pip": "PIP_REQUIREMENT PIP_CONSTRAINT PIP_EDITABLE PIP_FIND_LINKS PIP_SRC PIP_TARGET PIP_PREFIX PIP_ROOT "
    "PIP_CONFIG_FILE UV_CONSTRAINT UV_OVERRIDE UV_CONFIG_FILE UV_FIND_LINKS",
    "poetry": "POETRY_PROJECT",
    "pipenv": "PIPENV_PIPFILE PIPENV_DOTENV_LOCATION PIP_CONFIG_FILE",
    "uv": "UV_CONSTRAINT UV_OVERRIDE UV_CONFIG_FILE UV_FIND_LINKS UV_PROJECT UV_WORKING_DIRECTORY",
    "npm": "NPM_CONFIG_PREFIX NPM_CONFIG_USERCONFIG NPM_CONFIG_GLOBALCONFIG",
    "yarn": "YARN_CWD YARN_MODULES_FOLDER NPM_CONFIG_USERCONFIG",
    "pnpm": "NPM_CONFIG_PREFIX NPM_CONFIG_USERCONFIG",
    "go": "GOWORK GOFLAGS",
    "bundler": "BUNDLE_GEMFILE BUNDLE_APP_CONFIG",
    "composer": "COMPOSER COMPOSER_VENDOR_DIR COMPOSER_AUTH",
    "gem": "",
}


def reads(install: Install, cwd: str, files: Files, env: Mapping[str, str] | None = None) -> Reads:
    """What ``install`` reads when it runs in ``cwd`` (absolute) over ``files``."""
    acc = _Acc(clean(cwd), files, env or {})
    for name in sorted(set(_PATH_ENV[install.tool].split()) & set(acc.env)):
        if not (name == "GOWORK" and acc.env[name] == "off"):
            acc.decline(f"ENV {name} points it at other files")
    _TOOLS[install.tool](install, acc)
    return acc.result()


def _pip(install: Install, acc: _Acc) -> None:
    opts, operands, problems = _options(install.args, _PIP_SPEC)
    for p in problems:
        acc.decline(f"`{install.text}`: {p}")
    if install.verb == "sync":  # uv pip sync: the operands are requirement files
        for op in operands:
            if op is not None:
                _requirements(acc.path(op), acc, set())
        operands = []
    for name, value in opts:
        if value is None:
            acc.decline(f"`{install.text}`: {name} holds a variable")
        elif name in ("-r", "--requirement", "-c", "--constraint", "--override", "--build-constraint"):
            if "://" not in value:
                _requirements(acc.path(value), acc, set())
        elif name in ("-e", "--editable"):
            acc.decline(f"pip install -e {value} installs in editable mode, which reads the source")
        elif name in ("-f", "--find-links") and "://" not in value:
            acc.decline(f"--find-links {value} reads a local folder")
        elif name in ("-t", "--target", "--prefix", "--root", "--src", "--log", "--report", "--cache-dir"):
            acc.writes.append(acc.path(value))
        elif name == "--group":
            acc.read(acc.path("pyproject.toml"), "--group reads {}, which is not in the build context")
        elif name in ("--directory", "--project", "--config-file"):
            acc.decline(f"{name} {value} makes it read another folder")
    for op in operands:
        if op is None:
            acc.decline(f"`{install.text}`: an argument holds a variable")
        elif _local_operand(op):
            acc.decline(f"`pip install {op}` installs a local project, which reads its source")


def _local_operand(op: str) -> bool:
    """A pip requirement that names a local file or folder rather than a package or URL."""
    if op.startswith(("file:", ".", "/", "~")) or re.search(r"@\s*file:", op):
        return True
    if "://" in op:
        return False
    if re.search(r"\s@\s*\S", op) or re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@", op):
        return not re.search(r"@\s*\S+://", op)
    return "/" in op or op.endswith((".whl", ".zip", ".tar.gz", ".tgz", ".tar.bz2"))


def _requirements(path: str, acc: _Acc, seen: set[str]) -> None:
    """A requirements or constraints file and every file it pulls in with ``-r``/``-c``."""
    if "$" in path:
        acc.decline(f"the requirements file {path} holds a variable")
        return
    if path in seen:
        return
    seen.add(path)
    if path.endswith((".toml", ".cfg", ".py")):
        acc.decline(f"{acc.rel(path)} is project metadata, which may need the source to build")
        return
    text = acc.read(path, "the requirements file {} is not in the build context (or .dockerignore leaves it out)")
    if text is None:
        return
    joined = re.sub(r"\\\r?\n", "", text)
    for number, raw in enumerate(joined.splitlines(), 1):
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if not line:
            continue
        where = f"{acc.rel(path)} line {number}"
        if line.startswith("-"):
            try:
                import shlex

                words = shlex.split(line)
            except ValueError:
                acc.decline(f"{where} cannot be read")
                continue
            opts, operands, problems = _options(tuple(words), _REQ_SPEC)
            for p in problems:
                acc.decline(f"{where}: {p}")
            for name, value in opts:
                if value is None:
                    continue
                if name in ("-r", "--requirement", "-c", "--constraint") and "://" not in value:
                    _requirements(_join(posixpath.dirname(path), value), acc, seen)
                elif name in ("-e", "--editable"):
                    acc.decline(f"{where}: -e {value} installs in editable mode, which reads the source")
                elif name in ("-f", "--find-links") and "://" not in value:
                    acc.decline(f"{where}: --find-links {value} reads a local folder")
            if operands:
                acc.decline(f"{where} cannot be read")
            continue
        requirement = re.split(r"\s+--?[a-z]", line)[0].split(";")[0].strip()
        if _local_operand(requirement):
            acc.decline(f"{where}: {requirement} is a local project, which reads its source")


def _toml(acc: _Acc, name: str, missing: str | None) -> dict | None:
    text = acc.read(acc.path(name), missing)
    if text is None:
        return None
    tomllib = _tomllib()
    if tomllib is None:  # pragma: no cover - Python 3.10 without tomli
        acc.decline(f"reading {name} needs Python 3.11 or the tomli package")
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        acc.decline(f"{name} is not valid TOML ({exc})")
        return None


def _local_table(table: object) -> bool:
    """A TOML dependency table with a path or workspace source."""
    if isinstance(table, dict):
        if "path" in table or table.get("workspace") is True or table.get("editable") is True:
            return True
        return any(_local_table(v) for v in table.values())
    if isinstance(table, list):
        return any(_local_table(v) for v in table)
    return False


def _pep621_local(data: dict) -> bool:
    project = data.get("project") or {}
    specs = list(project.get("dependencies") or [])
    for group in (project.get("optional-dependencies") or {}).values():
        specs.extend(group)
    for group in (data.get("dependency-groups") or {}).values():
        specs.extend(s for s in group if isinstance(s, str))
    return any(isinstance(s, str) and _local_operand(s) for s in specs)


def _poetry(install: Install, acc: _Acc) -> None:
    opts, _, problems = _options(install.args, _POETRY_SPEC)
    for p in problems:
        acc.decline(f"`{install.text}`: {p}")
    data = _toml(acc, "pyproject.toml", "{} is not in the build context")
    acc.read(acc.path("poetry.lock"))
    acc.read(acc.path("poetry.toml"))
    if not _has(opts, "--no-root") or _has(opts, "--only-root"):
        acc.decline("poetry install without --no-root also installs the project, which reads its source")
    if _has(opts, "-C", "--directory", "-P", "--project"):
        acc.decline("--directory makes it read another folder")
    if data is not None:
        poetry = (data.get("tool") or {}).get("poetry") or {}
        groups = [poetry.get("dependencies"), poetry.get("dev-dependencies")]
        groups += [g.get("dependencies") for g in (poetry.get("group") or {}).values() if isinstance(g, dict)]
        if any(_local_table(g) for g in groups) or _pep621_local(data):
            acc.decline("pyproject.toml has a path dependency, which reads its source")
    acc.writes.append(acc.path(".venv"))


def _pipenv(install: Install, acc: _Acc) -> None:
    opts, operands, problems = _options(install.args, _PIPENV_SPEC)
    for p in problems:
        acc.decline(f"`{install.text}`: {p}")
    data = _toml(acc, "Pipfile", "{} is not in the build context")
    acc.read(acc.path("Pipfile.lock"))
    acc.read(acc.path(".env"))
    if data is not None and any(_local_table(data.get(k)) for k in data if k not in ("source", "requires", "scripts", "pipenv")):
        acc.decline("the Pipfile has a path or editable dependency, which reads its source")
    for op in operands:
        if op is None or _local_operand(op):
            acc.decline(f"`{install.text}` installs a local project, which reads its source")
    if operands:
        acc.rewrites += [acc.path("Pipfile"), acc.path("Pipfile.lock")]
    if install.verb == "install" and not _has(opts, "--deploy", "--ignore-pipfile"):
        acc.rewrites.append(acc.path("Pipfile.lock"))
    if not _has(opts, "--system"):
        acc.writes.append(acc.path(".venv"))


def _uv(install: Install, acc: _Acc) -> None:
    opts, _, problems = _options(install.args, _UV_SPEC)
    for p in problems:
        acc.decline(f"`{install.text}`: {p}")
    data = _toml(acc, "pyproject.toml", "{} is not in the build context")
    frozen = _has(opts, "--frozen", "--locked") or acc.env.get("UV_FROZEN") or acc.env.get("UV_LOCKED")
    acc.read(acc.path("uv.lock"), "{} is not in the build context" if frozen else None)
    acc.read(acc.path(".python-version"))
    acc.read(acc.path("uv.toml"))
    if not _has(opts, "--no-install-project", "--no-install-workspace"):
        acc.decline("uv sync without --no-install-project also installs the project, which reads its source")
    if _has(opts, "--package", "--all-packages", "--directory", "--project"):
        acc.decline("it names other packages or folders")
    if data is not None:
        uv = (data.get("tool") or {}).get("uv") or {}
        if "workspace" in uv or _local_table(uv.get("sources")) or _pep621_local(data):
            acc.decline("pyproject.toml has a workspace or path source, which reads other folders")
    if not frozen:
        acc.rewrites.append(acc.path("uv.lock"))
    acc.writes.append(acc.path(acc.env.get("UV_PROJECT_ENVIRONMENT", ".venv")))


_LIFECYCLE = ("preinstall", "install", "postinstall", "prepare", "preprepare", "postprepare")
_DEP_FIELDS = ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies", "overrides", "resolutions")
_LOCAL_SPEC = ("file:", "link:", "portal:", "workspace:", "./", "../", "/", "~/")
_NODE = {
    "npm": (_NPM_SPEC, ("npm-shrinkwrap.json", "package-lock.json")),
    "yarn": (_YARN_SPEC, ("yarn.lock",)),
    "pnpm": (_PNPM_SPEC, ("pnpm-lock.yaml",)),
}


def _node(install: Install, acc: _Acc) -> None:
    spec, locks = _NODE[install.tool]
    opts, operands, problems = _options(install.args, spec)
    for p in problems:
        acc.decline(f"`{install.text}`: {p}")
    if not install.project:  # npm install -g: the operands are package names
        for op in operands:
            if op is None or op.startswith(_LOCAL_SPEC) or op.endswith(".tgz"):
                acc.decline(f"`{install.text}` installs a local package, which reads its source")
        return
    text = acc.read(acc.path("package.json"), "{} is not in the build context")
    lock = next((p for p in (acc.path(n) for n in locks) if acc.read(p) is not None), None)
    if install.verb == "ci" and lock is None:
        acc.decline("npm ci needs package-lock.json, which is not in the build context")
    for name in (".npmrc", ".yarnrc") if install.tool == "yarn" else (".npmrc",):
        acc.read(acc.path(name))
    for name in (".yarnrc.yml", ".pnpmfile.cjs", "pnpm-workspace.yaml"):
        if acc.files.inside(acc.path(name)) and acc.files.read(acc.path(name)) is not None:
            acc.decline(f"{name} makes it read other files (plugins, hooks or workspaces)")
    scripts_off = _has(opts, "--ignore-scripts")
    if text is not None:
        _package_json(text, acc, scripts_off)
    if _has(opts, "--prefix", "-C", "--cwd", "--dir", "--modules-folder", "--workspace", "-w", "--filter", "-F", "--recursive", "-r"):
        acc.decline("it is pointed at other folders or workspaces")
    for op in operands:
        if op is None or op.startswith(_LOCAL_SPEC) or op.endswith(".tgz"):
            acc.decline(f"`{install.text}` installs a local package, which reads its source")
    frozen = {
        "npm": install.verb == "ci",
        "yarn": _has(opts, "--frozen-lockfile", "--pure-lockfile", "--immutable"),
        "pnpm": _has(opts, "--frozen-lockfile"),
    }[install.tool]
    if operands:
        acc.rewrites.append(acc.path("package.json"))
    in_sync = install.tool == "npm" and not operands and _npm_lock_in_sync(text, acc.read(lock) if lock else None)
    if lock is not None and (operands or not frozen) and not in_sync:
        acc.rewrites.append(lock)
    acc.writes.append(acc.path("node_modules"))


# What npm records about the project itself in the lock file's root entry (``packages[""]``).
_NPM_ROOT = ("license", "bin", "engines", "os", "cpu", "workspaces", "dependencies", "devDependencies",
             "optionalDependencies", "peerDependencies", "peerDependenciesMeta")


def _npm_lock_in_sync(package_text: str | None, lock_text: str | None) -> bool:
    """``npm install`` keeps this lock file as it is: a version-3 lock whose root entry records
    the same name, version and dependency ranges as package.json.  npm rewrites a lock to record
    a change to those, or to upgrade an older lock format; anything unusual counts as a rewrite."""
    import json  # only for JSON text: not loaded at start-up

    try:
        pkg, lock = json.loads(package_text or ""), json.loads(lock_text or "")
    except ValueError:
        return False
    if not isinstance(pkg, dict) or not isinstance(lock, dict) or lock.get("lockfileVersion") != 3:
        return False
    root = lock.get("packages", {}).get("") if isinstance(lock.get("packages"), dict) else None
    if not isinstance(root, dict) or not isinstance(pkg.get("name"), str):
        return False
    same = all(lock.get(k) == pkg.get(k) == root.get(k) for k in ("name", "version"))
    return same and all(pkg.get(k) == root.get(k) for k in _NPM_ROOT)


def _package_json(text: str, acc: _Acc, scripts_off: bool) -> None:
    import json  # only for JSON text: not loaded at start-up

    try:
        data = json.loads(text)
    except ValueError as exc:
        acc.decline(f"package.json is not valid JSON ({exc})")
        return
    if not isinstance(data, dict):
        acc.decline("package.json does not hold an object")
        return
    scripts = data.get("scripts") or {}
    hooks = [s for s in _LIFECYCLE if isinstance(scripts, dict) and s in scripts]
    if hooks and not scripts_off:
        acc.decline(f"package.json has a {hooks[0]} script, which may read the source (add --ignore-scripts if it does not need to run here)")
    if not scripts_off and "install" not in scripts and "preinstall" not in scripts:
        gyp = acc.path("binding.gyp")
        if acc.files.inside(gyp) and acc.files.read(gyp) is not None:
            acc.decline("binding.gyp makes the install build native code from the source")
    if data.get("workspaces"):
        acc.decline("package.json declares workspaces, whose package.json files it also reads")
    pnpm = data.get("pnpm")
    if isinstance(pnpm, dict) and pnpm.get("patchedDependencies"):
        acc.decline("package.json applies patches from the source (pnpm.patchedDependencies)")
    for name in _DEP_FIELDS:
        if any(spec.startswith(_LOCAL_SPEC) for spec in _strings(data.get(name))):
            acc.decline(f"package.json has a local {name} entry, which reads the source")
            break


def _strings(value: object):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)


def _go(install: Install, acc: _Acc) -> None:
    opts, operands, problems = _options(install.args, _GO_SPEC)
    for p in problems:
        acc.decline(f"`{install.text}`: {p}")
    if _has(opts, "-modfile"):
        acc.decline("-modfile makes it read another go.mod")
    mod = acc.read(acc.path("go.mod"), "{} is not in the build context")
    acc.read(acc.path("go.sum"))
    work = acc.path("go.work")
    if acc.files.inside(work) and acc.files.read(work) is not None:
        acc.decline("go.work makes it read the workspace's other modules")
    if mod is not None and re.search(r"=>\s*(\.{1,2}/|/)", mod):
        acc.decline("go.mod replaces a module with a local folder, which reads the source")
    if not operands:  # go mod download with no arguments may record missing sums
        acc.rewrites.append(acc.path("go.sum"))


def _bundler(install: Install, acc: _Acc) -> None:
    opts, operands, problems = _options(install.args, _BUNDLE_SPEC)
    for p in problems:
        acc.decline(f"`{install.text}`: {p}")
    gemfile = acc.read(acc.path("Gemfile"), "{} is not in the build context")
    acc.read(acc.path("Gemfile.lock"))
    acc.read(acc.path(".bundle/config"))
    if operands or _has(opts, "--gemfile"):
        acc.decline(f"`{install.text}` names other files")
    if gemfile is not None:
        m = re.search(r"^\s*(gemspec|eval_gemfile|require_relative)\b|\bpath\s*(:|=>)|\bFile\.|\bfile:|__dir__", gemfile, re.MULTILINE)
        if m:
            acc.decline(f"the Gemfile uses `{m.group().strip()}`, which reads other files of the source")
    frozen = _has(opts, "--frozen", "--deployment") or acc.env.get("BUNDLE_FROZEN") or acc.env.get("BUNDLE_DEPLOYMENT")
    if not frozen:
        acc.rewrites.append(acc.path("Gemfile.lock"))
    acc.writes.append(acc.path(".bundle"))
    if _has(opts, "--deployment"):
        acc.writes.append(acc.path("vendor/bundle"))
    for name, value in opts:
        if name in ("--path", "--binstubs", "--standalone"):
            if value is None:
                acc.decline(f"{name} holds a variable, so slimfix cannot tell where it writes")
            else:
                acc.writes.append(acc.path(value or "."))


def _composer(install: Install, acc: _Acc) -> None:
    import json  # only for JSON text: not loaded at start-up

    opts, operands, problems = _options(install.args, _COMPOSER_SPEC)
    for p in problems:
        acc.decline(f"`{install.text}`: {p}")
    text = acc.read(acc.path("composer.json"), "{} is not in the build context")
    acc.read(acc.path("composer.lock"))
    acc.read(acc.path("auth.json"))
    if not (_has(opts, "--no-scripts") and _has(opts, "--no-autoloader")):
        acc.decline("composer install runs scripts and builds the autoloader, which read the source (use --no-scripts --no-autoloader)")
    if _has(opts, "--working-dir", "-d") or operands:
        acc.decline("it is pointed at other folders")
    if text is not None:
        try:
            data = json.loads(text)
        except ValueError as exc:
            acc.decline(f"composer.json is not valid JSON ({exc})")
            data = {}
        repos = data.get("repositories") if isinstance(data, dict) else None
        repos = repos.values() if isinstance(repos, dict) else repos or []
        if any(isinstance(r, dict) and r.get("type") in ("path", "artifact") for r in repos):
            acc.decline("composer.json has a path repository, which reads the source")
        if isinstance(data, dict) and (data.get("config") or {}).get("vendor-dir"):
            acc.decline("composer.json moves the vendor folder")
    acc.writes.append(acc.path("vendor"))


def _gem(install: Install, acc: _Acc) -> None:
    for a in install.args:
        if a is None or (not a.startswith("-") and (a.endswith(".gem") or "/" in a)):
            acc.decline(f"`{install.text}` installs a local gem")


_TOOLS = {
    "pip": _pip,
    "poetry": _poetry,
    "pipenv": _pipenv,
    "uv": _uv,
    "npm": _node,
    "yarn": _node,
    "pnpm": _node,
    "go": _go,
    "bundler": _bundler,
    "composer": _composer,
    "gem": _gem,
}


# ---- steps that read nothing ---------------------------------------------------------------

_SYSTEM = frozenset({"apt-get", "apt", "aptitude", "apk", "dnf", "yum", "microdnf", "zypper", "tdnf"})
_CLEANUP = {
    "pip": ("cache",),
    "pip3": ("cache",),
    "npm": ("cache", "config"),
    "yarn": ("cache", "config"),
    "pnpm": ("store", "config"),
    "composer": ("clear-cache", "clearcache"),
    "corepack": ("enable", "prepare"),
    "poetry": ("config",),
}


def reads_nothing(cmd: Command, protected: str) -> bool:
    """Whether ``cmd`` surely reads and writes nothing under the folder ``protected``."""
    if not quiet_redirects(cmd):
        return False
    args = [w.value for w in cmd.argv]
    if any(a is None for a in args):
        return False
    prog = cmd.program
    operands = [a for a in args[1:] if not a.startswith("-")]
    if prog in _SYSTEM:
        return not any("/" in a or a.endswith((".deb", ".rpm", ".apk")) for a in operands)
    if prog in ("true", ":", "echo"):
        return True
    if prog == "rm":
        return bool(operands) and all(a.startswith("/") and not _may_touch(a, protected) for a in operands)
    if prog in _CLEANUP and cmd.subcommand() in _CLEANUP[prog]:
        return not (prog == "poetry" and "--local" in args)
    return False


def _may_touch(path: str, folder: str) -> bool:
    stem = re.split(r"[*?\[]", path, maxsplit=1)[0]
    if stem != path:  # a glob: everything that starts with the stem
        return folder.startswith(stem) or under(stem, folder)
    path = clean(path)
    return under(path, folder) or under(folder, path)


def quiet_redirects(cmd: Command) -> bool:
    """Whether every redirection of ``cmd`` only duplicates a descriptor or goes to /dev/null."""
    return all(">&" in r.raw or "<&" in r.raw or r.value == "/dev/null" for r in cmd.redirects)
