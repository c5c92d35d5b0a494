"""Which dependency-install commands slimfix recognises, and which files each one reads."""

from __future__ import annotations

import json
import posixpath

import pytest

from slimfix.cst import parse_instruction
from slimfix.installs import Reads, clean, reads, reads_nothing, recognise, under
from slimfix.shell import Command, script

ROOT = "/app"


class Tree:
    """The files a COPY put under ROOT, from a dict of relative paths."""

    def __init__(self, files: dict[str, str]) -> None:
        self.files = files
        self.asked: list[str] = []

    def inside(self, path: str) -> bool:
        return under(path, ROOT)

    def read(self, path: str) -> str | None:
        self.asked.append(path)
        return self.files.get(posixpath.relpath(path, ROOT))


def command(line: str) -> Command:
    scr = script(parse_instruction(f"RUN {line}\n"))
    assert scr is not None and not scr.opaque
    (cmd,) = scr.commands
    return cmd


def run(line: str, files: dict[str, str], cwd: str = ROOT, env: dict[str, str] | None = None) -> Reads:
    found = recognise(command(line))
    assert found is not None, line
    return reads(found, cwd, Tree(files), env)


def rel(paths: tuple[str, ...]) -> list[str]:
    return [posixpath.relpath(p, ROOT) for p in paths]


PKG = json.dumps({"name": "app", "dependencies": {"express": "^4"}})
REQ = {"requirements.txt": "flask==3.0\n"}

# (command, files in the context, files read, files it may rewrite)
READS_ONLY = [
    ("pip install -r requirements.txt", REQ, ["requirements.txt"], []),
    ("pip install --user -r requirements.txt", REQ, ["requirements.txt"], []),
    ("python3 -m pip install --no-cache-dir -r requirements.txt", REQ, ["requirements.txt"], []),
    ("pip3 install --requirement=requirements.txt", REQ, ["requirements.txt"], []),
    ("pip install -qr requirements.txt", REQ, ["requirements.txt"], []),
    ("pip install -rrequirements.txt", REQ, ["requirements.txt"], []),
    ("uv pip install --system -r requirements.txt", REQ, ["requirements.txt"], []),
    ("uv pip sync requirements.txt", REQ, ["requirements.txt"], []),
    (
        "pip install -r requirements.txt -c constraints.txt",
        {**REQ, "constraints.txt": "flask<4\n"},
        ["requirements.txt", "constraints.txt"],
        [],
    ),
    (
        "pip install -r requirements.txt",
        {
            "requirements.txt": "-r requirements/base.txt\ngunicorn\n",
            "requirements/base.txt": "-c pins.txt  # pins\n-r ../extra.txt\nflask\n",
            "requirements/pins.txt": "flask==3.0\n",
            "extra.txt": "-r requirements.txt\n",  # a cycle back to the first file
        },
        ["requirements.txt", "requirements/base.txt", "requirements/pins.txt", "extra.txt"],
        [],
    ),
    (
        "pip install -r requirements.txt",
        {
            "requirements.txt": (
                "# comment\n--index-url https://pypi.example/simple\nrequests>=2 \\\n    --hash=sha256:abc\n"
                "pywin32; sys_platform == 'win32'\nuvicorn[standard]==0.30\n"
                "wheelpkg @ https://example.com/wheelpkg-1.0-py3-none-any.whl\n"
                "git+https://github.com/org/lib.git@v1#egg=lib\n"
            )
        },
        ["requirements.txt"],
        [],
    ),
    (
        "poetry install --no-root --only main",
        {"pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.12"\nrequests = {version = "^2", extras = ["socks"]}\n', "poetry.lock": "#"},
        ["pyproject.toml", "poetry.lock"],
        [],
    ),
    (
        "pipenv install --deploy --system",
        {"Pipfile": '[packages]\nflask = "*"\n', "Pipfile.lock": "{}"},
        ["Pipfile", "Pipfile.lock"],
        [],
    ),
    ("pipenv install --system", {"Pipfile": '[packages]\nflask = "*"\n', "Pipfile.lock": "{}"}, ["Pipfile", "Pipfile.lock"], ["Pipfile.lock"]),
    (
        "uv sync --frozen --no-install-project --no-dev",
        {"pyproject.toml": '[project]\nname = "app"\ndependencies = ["httpx"]\n', "uv.lock": "", ".python-version": "3.12\n"},
        ["pyproject.toml", "uv.lock", ".python-version"],
        [],
    ),
    (
        "uv sync --no-install-project",
        {"pyproject.toml": '[project]\nname = "app"\n', "uv.lock": ""},
        ["pyproject.toml", "uv.lock"],
        ["uv.lock"],
    ),
    ("npm ci", {"package.json": PKG, "package-lock.json": "{}", ".npmrc": "fund=false\n"}, ["package.json", "package-lock.json", ".npmrc"], []),
    ("npm ci --omit=dev", {"package.json": PKG, "npm-shrinkwrap.json": "{}"}, ["package.json", "npm-shrinkwrap.json"], []),
    ("npm install", {"package.json": PKG, "package-lock.json": "{}"}, ["package.json", "package-lock.json"], ["package-lock.json"]),
    ("npm install", {"package.json": PKG}, ["package.json"], []),
    (
        "npm ci --ignore-scripts",
        {"package.json": json.dumps({"scripts": {"postinstall": "node build.js"}}), "package-lock.json": "{}"},
        ["package.json", "package-lock.json"],
        [],
    ),
    ("yarn install --frozen-lockfile", {"package.json": PKG, "yarn.lock": "", ".yarnrc": ""}, ["package.json", "yarn.lock", ".yarnrc"], []),
    ("yarn --production", {"package.json": PKG, "yarn.lock": ""}, ["package.json", "yarn.lock"], ["yarn.lock"]),
    ("pnpm install --frozen-lockfile --prod", {"package.json": PKG, "pnpm-lock.yaml": ""}, ["package.json", "pnpm-lock.yaml"], []),
    ("go mod download", {"go.mod": "module x\n\nrequire golang.org/x/text v0.14.0\n", "go.sum": ""}, ["go.mod", "go.sum"], ["go.sum"]),
    ("go mod download -x -json", {"go.mod": "module x\n"}, ["go.mod"], []),  # no go.sum to reset
    ("bundle install --jobs $(nproc) --retry=$RETRIES --frozen", {"Gemfile": "gem 'rack'\n"}, ["Gemfile"], []),
    ("bundle install --frozen --jobs 4", {"Gemfile": "source 'https://rubygems.org'\ngem 'rails'\n", "Gemfile.lock": ""}, ["Gemfile", "Gemfile.lock"], []),
    ("bundle install", {"Gemfile": "gem 'rack'\n", "Gemfile.lock": ""}, ["Gemfile", "Gemfile.lock"], ["Gemfile.lock"]),
    (
        "composer install --no-dev --no-scripts --no-autoloader --prefer-dist",
        {"composer.json": json.dumps({"require": {"monolog/monolog": "^3"}}), "composer.lock": "{}"},
        ["composer.json", "composer.lock"],
        [],
    ),
]


@pytest.mark.parametrize(("line", "files", "read", "rewrites"), READS_ONLY, ids=[c[0] + f"#{i}" for i, c in enumerate(READS_ONLY)])
def test_reads_exactly(line: str, files: dict[str, str], read: list[str], rewrites: list[str]) -> None:
    got = run(line, files)
    assert got.source == ()
    assert rel(got.files) == read
    assert rel(got.rewrites) == rewrites


# (command, files in the context, a word the reason holds)
READS_SOURCE = [
    ("pip install .", {}, "local project"),
    ("pip install -e .", {}, "editable"),
    ("pip install --no-deps ./wheels/app-1.0-py3-none-any.whl", {}, "local project"),
    ("pip install -r requirements.txt", {}, "requirements.txt is not in the build context"),
    ("pip install -r requirements.txt", {"requirements.txt": "-r missing.txt\n"}, "missing.txt is not in the build context"),
    ("pip install -r requirements.txt", {"requirements.txt": "-e .\n"}, "editable"),
    ("pip install -r requirements.txt", {"requirements.txt": "./libs/shared\n"}, "local project"),
    ("pip install -r requirements.txt", {"requirements.txt": "shared @ file:///src/shared\n"}, "local project"),
    ("pip install -r requirements.txt", {"requirements.txt": "--find-links ./wheels\nflask\n"}, "local folder"),
    ("pip install -r /tmp/requirements.txt", {}, "this COPY does not provide"),
    ("pip install --frobnicate -r requirements.txt", REQ, "--frobnicate is not known"),
    ("pip install -r $REQS", REQ, "variable"),
    ("uv pip install --system -r pyproject.toml", {"pyproject.toml": "[project]\nname = 'a'\n"}, "project metadata"),
    ("poetry install", {"pyproject.toml": "[tool.poetry]\n"}, "--no-root"),
    ("poetry install --no-root", {"pyproject.toml": '[tool.poetry.dependencies]\nlib = {path = "../lib"}\n'}, "path dependency"),
    ("pipenv install --deploy", {"Pipfile": '[packages]\napp = {path = ".", editable = true}\n'}, "editable"),
    ("uv sync --frozen", {"pyproject.toml": '[project]\nname = "a"\n', "uv.lock": ""}, "--no-install-project"),
    (
        "uv sync --frozen --no-install-project",
        {"pyproject.toml": '[tool.uv.workspace]\nmembers = ["packages/*"]\n', "uv.lock": ""},
        "workspace",
    ),
    ("uv sync --frozen --no-install-project", {"pyproject.toml": "[project\n", "uv.lock": ""}, "not valid TOML"),
    ("npm ci", {"package.json": json.dumps({"scripts": {"postinstall": "node build.js"}}), "package-lock.json": "{}"}, "postinstall"),
    ("npm ci", {"package.json": json.dumps({"scripts": {"prepare": "husky"}}), "package-lock.json": "{}"}, "prepare"),
    ("npm ci", {"package.json": PKG}, "needs package-lock.json"),
    ("npm ci", {"package.json": json.dumps({"dependencies": {"lib": "file:../lib"}}), "package-lock.json": "{}"}, "local dependencies"),
    ("npm ci", {"package.json": json.dumps({"workspaces": ["packages/*"]}), "package-lock.json": "{}"}, "workspaces"),
    ("npm ci", {"package.json": PKG, "package-lock.json": "{}", "binding.gyp": "{}"}, "binding.gyp"),
    ("npm ci", {"package.json": "{not json", "package-lock.json": "{}"}, "not valid JSON"),
    ("yarn install --frozen-lockfile", {"package.json": PKG, "yarn.lock": "", ".yarnrc.yml": "nodeLinker: pnp\n"}, ".yarnrc.yml"),
    ("pnpm install --frozen-lockfile", {"package.json": PKG, "pnpm-lock.yaml": "", "pnpm-workspace.yaml": ""}, "pnpm-workspace.yaml"),
    ("go mod download", {"go.mod": "module x\n\nreplace example.com/lib => ../lib\n", "go.sum": ""}, "local folder"),
    ("go mod download", {"go.mod": "module x\n", "go.work": "go 1.22\n"}, "go.work"),
    ("go mod download -modfile=go.tools.mod", {"go.mod": "module x\n"}, "-modfile"),
    ("bundle install --path=$BUNDLE_DIR", {"Gemfile": "gem 'rack'\n"}, "cannot tell where it writes"),
    ("bundle install", {"Gemfile": "source 'https://rubygems.org'\ngemspec\n"}, "gemspec"),
    ("bundle install", {"Gemfile": "gem 'lib', path: 'vendor/lib'\n"}, "path"),
    ("composer install", {"composer.json": "{}", "composer.lock": "{}"}, "--no-scripts --no-autoloader"),
    (
        "composer install --no-scripts --no-autoloader",
        {"composer.json": json.dumps({"repositories": [{"type": "path", "url": "../lib"}]})},
        "path repository",
    ),
]


@pytest.mark.parametrize(("line", "files", "reason"), READS_SOURCE, ids=[c[0] + f"#{i}" for i, c in enumerate(READS_SOURCE)])
def test_may_read_more(line: str, files: dict[str, str], reason: str) -> None:
    got = run(line, files)
    assert got.source, f"{line} should be declined"
    assert any(reason in s for s in got.source), got.source


def test_requirements_nested_paths_resolve_against_the_including_file() -> None:
    files = {"backend/requirements.txt": "-r ../shared/base.txt\n", "shared/base.txt": "flask\n"}
    got = run("pip install -r requirements.txt", files, cwd="/app/backend")
    assert rel(got.files) == ["backend/requirements.txt", "shared/base.txt"]


def test_environment_that_redirects_pip_is_a_reason() -> None:
    got = run("pip install -r requirements.txt", REQ, env={"PIP_CONSTRAINT": "c.txt", "PIP_NO_CACHE_DIR": "1"})
    assert got.source == ("ENV PIP_CONSTRAINT points it at other files",)


def test_environment_of_another_tool_is_ignored() -> None:
    assert run("pip install -r requirements.txt", REQ, env={"GOFLAGS": "-mod=vendor", "BUNDLE_GEMFILE": "x"}).source == ()
    assert run("go mod download", {"go.mod": "module x\n"}, env={"GOWORK": "off"}).source == ()


def test_writes_in_the_working_directory() -> None:
    assert rel(run("pip install --target ./deps -r requirements.txt", REQ).writes) == ["deps"]
    assert rel(run("npm ci", {"package.json": PKG, "package-lock.json": "{}"}).writes) == ["node_modules"]
    assert rel(run("uv sync --frozen --no-install-project", {"pyproject.toml": "", "uv.lock": ""}).writes) == [".venv"]
    assert run("pipenv install --deploy --system", {"Pipfile": ""}).writes == ()
    assert rel(run("composer install --no-scripts --no-autoloader", {"composer.json": "{}"}).writes) == ["vendor"]


def test_optional_files_are_asked_for_but_not_listed_when_absent() -> None:
    tree = Tree({"pyproject.toml": ""})
    found = recognise(command("poetry install --no-root"))
    assert found is not None
    got = reads(found, ROOT, tree)
    assert rel(got.files) == ["pyproject.toml"]
    assert "/app/poetry.lock" in tree.asked


@pytest.mark.parametrize(
    ("line", "tool", "project"),
    [
        ("pip install flask==3.0 gunicorn", "pip", False),
        ("pip install --upgrade pip setuptools", "pip", False),
        ("pip --no-cache-dir install -r requirements.txt", "pip", True),
        ("python3.12 -m pip install -e .", "pip", True),
        ("pip install $PKGS", "pip", True),
        ("npm install -g pnpm@9", "npm", False),
        ("npm i", "npm", True),
        ("npm clean-install", "npm", True),
        ("yarn", "yarn", True),
        ("gem install bundler -v 2.5", "gem", False),
        ("bundle", "bundler", True),
    ],
)
def test_recognise(line: str, tool: str, project: bool) -> None:
    found = recognise(command(line))
    assert found is not None
    assert (found.tool, found.project) == (tool, project)


@pytest.mark.parametrize(
    "line",
    ["npm run build", "yarn build", "go build ./...", "go mod tidy", "bundle exec rake", "python -m venv /venv", "pip freeze", "poetry export -o r.txt"],
)
def test_not_an_install(line: str) -> None:
    assert recognise(command(line)) is None


@pytest.mark.parametrize(
    ("line", "quiet"),
    [
        ("apt-get install -y --no-install-recommends gcc", True),
        ("apt-get install -y ./vendor/tool.deb", False),
        ("apk add --no-cache build-base", True),
        ("rm -rf /var/lib/apt/lists/*", True),
        ("rm -rf /root/.cache", True),
        ("rm -rf /app/tmp", False),
        ("rm -rf /a*", False),
        ("rm -rf node_modules", False),
        ("echo hi > notes.txt", False),
        ("apt-get update > /dev/null 2>&1", True),
        ("pip cache purge", True),
        ("poetry config virtualenvs.create false", True),
        ("poetry config --local virtualenvs.in-project true", False),
        ("make", False),
    ],
)
def test_reads_nothing(line: str, quiet: bool) -> None:
    assert reads_nothing(command(line), ROOT) is quiet


def test_clean_keeps_one_leading_slash() -> None:
    assert clean("//app/./x/../y/") == "/app/y"
    assert under("/app/y", "/app") and not under("/application", "/app") and under("/x", "/")


def _lock(version: int = 3, **root: object) -> str:
    entry = {"name": "app", "dependencies": {"express": "^4"}, **root}
    return json.dumps({"name": "app", "lockfileVersion": version, "requires": True, "packages": {"": entry}})


# npm install keeps a version-3 lock whose root entry matches package.json: no rewrite
@pytest.mark.parametrize(
    ("files", "rewrites"),
    [
        ({"package.json": PKG, "package-lock.json": _lock()}, []),
        ({"package.json": PKG, "npm-shrinkwrap.json": _lock()}, []),
        ({"package.json": PKG, "package-lock.json": _lock(2)}, ["package-lock.json"]),  # npm may upgrade it
        ({"package.json": PKG, "package-lock.json": _lock(dependencies={"express": "^5"})}, ["package-lock.json"]),
        ({"package.json": PKG, "package-lock.json": _lock(devDependencies={"jest": "^29"})}, ["package-lock.json"]),
        ({"package.json": json.dumps({"name": "app", "version": "2.0.0", "dependencies": {"express": "^4"}}),
          "package-lock.json": _lock()}, ["package-lock.json"]),
        ({"package.json": json.dumps({"dependencies": {"express": "^4"}}), "package-lock.json": _lock()}, ["package-lock.json"]),
        ({"package.json": PKG, "package-lock.json": "{not json"}, ["package-lock.json"]),
        ({"package.json": PKG, "package-lock.json": json.dumps({"lockfileVersion": 3, "name": "app"})}, ["package-lock.json"]),
    ],
    ids=["in-sync", "shrinkwrap", "v2", "range-changed", "dev-added", "version-changed", "no-name", "bad-json", "no-root"],
)
def test_npm_install_rewrites_only_a_lock_out_of_sync(files: dict[str, str], rewrites: list[str]) -> None:
    assert rel(run("npm install", files).rewrites) == rewrites


def test_npm_install_with_packages_rewrites_even_a_lock_in_sync() -> None:
    got = run("npm install lodash", {"package.json": PKG, "package-lock.json": _lock()})
    assert rel(got.rewrites) == ["package.json", "package-lock.json"]
