"""The stage-shape analysis behind SF301: what a builder/app split keeps, copies and waits for."""

from __future__ import annotations

import pytest

from slimfix import parse
from slimfix.runtime_libs import Distro, Role
from slimfix.stage_shape import (
    PIP_USER_HOME,
    VENV,
    Shape,
    analyse,
    package_run,
    root_image,
)

HEAD = (
    "FROM python:3.12-slim\n"
    "RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev \\\n"
    "    && rm -rf /var/lib/apt/lists/*\n"
    "WORKDIR /app\n"
)


def shape_of(text: str) -> Shape | None:
    df = parse(text)
    return analyse(df, df.stages[-1])


def lines(instrs) -> list[str]:
    return [i.text.strip() for i in instrs]


def test_pip_user() -> None:
    s = shape_of(HEAD + "COPY requirements.txt .\nRUN pip install --user -r requirements.txt\nCOPY . .\nCMD [\"python\", \"app.py\"]\n")
    assert s is not None and s.ready
    assert (s.kind, s.deps, s.bin_dir, s.make_venv) == ("pip-user", PIP_USER_HOME, PIP_USER_HOME + "/bin", None)
    assert s.runtime == ("libpq5",)
    assert [p.name for p in s.tools] == ["gcc", "libpq-dev"]
    assert lines(s.app_post) == ["COPY . .", 'CMD ["python", "app.py"]']
    assert lines(s.app_pre) == ["WORKDIR /app"]  # the manifest COPY is covered by COPY . .
    assert s.unsafe == ()


def test_plain_pip_makes_a_venv_before_the_first_copy() -> None:
    s = shape_of(HEAD + "COPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\n")
    assert (s.kind, s.deps, s.bin_dir) == ("venv", VENV, VENV + "/bin")
    assert s.make_venv is not None and s.make_venv.text.startswith("COPY requirements.txt")


def test_existing_venv_is_copied_as_it_is() -> None:
    s = shape_of(
        HEAD + "RUN python3 -m venv /venv\nENV PATH=\"/venv/bin:$PATH\"\n"
        "COPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\n"
    )
    assert (s.kind, s.deps, s.make_venv, s.has_path) == ("venv", "/venv", None, True)


def test_existing_venv_off_path_is_declined() -> None:
    s = shape_of(HEAD + "RUN python -m venv /venv\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n")
    assert "not on PATH" in s.problem


def test_node_modules_follow_the_workdir() -> None:
    text = (
        "FROM node:20-slim\nRUN apt-get update && apt-get install -y python3 make g++\n"
        "WORKDIR /srv/web\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY . .\n"
    )
    s = shape_of(text)
    assert (s.kind, s.deps, s.bin_dir) == ("node", "/srv/web/node_modules", "")
    assert s.runtime == ("python3",)
    assert s.no_recommends is False  # python3 is kept as written, recommends and all


def test_go_binary_relative_to_workdir() -> None:
    text = (
        "FROM golang:1.22\nRUN apt-get update && apt-get install -y gcc\nWORKDIR /src\n"
        "COPY . .\nRUN go build -o bin/server ./cmd/server\nCMD [\"/src/bin/server\"]\n"
    )
    s = shape_of(text)
    assert s.ready and (s.kind, s.deps) == ("go", "/src/bin/server")
    assert lines(s.app_pre) == ["WORKDIR /src", "COPY . ."]  # Go keeps the source it was built from


def test_go_without_output_is_declined() -> None:
    text = "FROM golang:1.22\nRUN apt-get update && apt-get install -y gcc\nWORKDIR /src\nCOPY . .\nRUN go build .\n"
    assert "-o" in shape_of(text).problem


@pytest.mark.parametrize(
    ("middle", "code"),
    [
        ("COPY . .\nRUN pip install -r requirements.txt\n", "SF201"),
        ("COPY ./ /app/\nRUN pip install -r requirements.txt\n", "SF201"),
        ("WORKDIR app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n", "SF403"),
    ],
)
def test_waits_for_another_transform(middle: str, code: str) -> None:
    s = shape_of(HEAD + middle)
    assert s.waits_for == code and not s.ready
    assert f"({code})" in s.problem


@pytest.mark.parametrize(
    ("middle", "words"),
    [
        ("USER app\nCOPY requirements.txt .\nRUN pip install --user -r requirements.txt\n", "USER"),
        ("ADD deps.tar.gz /deps/\nRUN pip install -r requirements.txt\n", "ADD"),
        ("RUN ./configure\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n", "cannot place"),
        ("COPY pyproject.toml .\nRUN pip install .\n", "project's own source"),
        ("COPY requirements.txt .\nRUN pip install --target=/deps -r requirements.txt\n", "place of its own"),
        ("COPY requirements.txt .\nRUN pip install --user -r requirements.txt\nRUN pip install flask\n", "mixes"),
        ("ENV HOME=/home/app\nCOPY requirements.txt .\nRUN pip install --user -r requirements.txt\n", "HOME"),
        ("COPY requirements.txt .\nRUN /usr/local/bin/pip install -r requirements.txt\n", "by its path"),
        ("COPY pyproject.toml poetry.lock ./\nRUN poetry install --no-root\n", "virtualenvs.create"),
        ("COPY requirements.txt .\nRUN pip install -r requirements.txt\nRUN apt-get install -y g++\n", "after the dependency install"),
        ("COPY requirements.txt .\nRUN pip install --upgrade pip\n", "only upgrades pip"),
    ],
)
def test_declined_with_a_reason(middle: str, words: str) -> None:
    s = shape_of(HEAD + middle)
    assert s is not None and not s.waits_for
    assert words in s.problem


def test_unknown_runtime_package_is_declined() -> None:
    text = HEAD.replace("libpq-dev", "libgdal-dev") + "COPY requirements.txt .\nRUN pip install -r requirements.txt\n"
    assert "libgdal-dev" in shape_of(text).problem


def test_plain_pip_outside_a_python_image_is_declined() -> None:
    text = HEAD.replace("python:3.12-slim", "debian:bookworm") + "COPY requirements.txt .\nRUN pip install -r requirements.txt\n"
    assert "virtual environment" in shape_of(text).problem


@pytest.mark.parametrize(
    "text",
    [
        "FROM python:3.12-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n",  # no tools
        "FROM python:3.12-slim\nRUN apt-get update && apt-get install -y gcc\nRUN make\n",  # no dependency install
        "FROM python:3.12-slim\nRUN apt-get install -y curl\nRUN pip install flask\n",  # only runtime packages
        "FROM python:3.12-slim\nONBUILD RUN apt-get install -y gcc\nRUN pip install flask\n",  # a trigger, not a RUN
        # tools removed in the layer that installed them
        "FROM python:3.12-alpine\nRUN apk add --virtual .b gcc musl-dev && pip install flask && apk del .b\n",
    ],
)
def test_nothing_to_split(text: str) -> None:
    assert shape_of(text) is None


def test_tools_and_install_in_one_run_are_reported() -> None:
    s = shape_of("FROM python:3.12-slim\nRUN apt-get update && apt-get install -y gcc && pip install flask\n")
    assert "in one RUN" in s.problem and [p.name for p in s.tools] == ["gcc"]


def test_post_install_run_is_unsafe() -> None:
    s = shape_of(HEAD + "COPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nRUN python manage.py collectstatic\n")
    assert s.ready and s.unsafe and "app stage" in s.unsafe[0]


def test_manifest_not_under_the_source_copy_stays_in_the_app() -> None:
    s = shape_of(HEAD + "COPY requirements.txt /tmp/\nRUN pip install -r /tmp/requirements.txt\nCOPY . .\n")
    assert "COPY requirements.txt /tmp/" in lines(s.app_pre)


def test_manifests_flattened_into_a_folder_are_covered() -> None:
    s = shape_of(
        HEAD.replace("/app", "/srv")
        + "COPY requirements/base.txt requirements/pins.txt ./requirements/\nRUN pip install -r requirements/base.txt\nCOPY ./ ./\n"
    )
    assert lines(s.app_pre) == ["WORKDIR /srv"]


def test_manifest_with_chown_is_kept() -> None:
    s = shape_of(HEAD + "COPY --chown=1000 requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\n")
    assert "COPY --chown=1000 requirements.txt ." in lines(s.app_pre)


def test_settings_go_where_they_belong() -> None:
    s = shape_of(
        "FROM python:3.12-slim\nARG V\nLABEL v=$V\nENV A=1\nEXPOSE 80\n"
        "RUN apt-get update && apt-get install -y gcc\nWORKDIR /app\nCOPY requirements.txt .\n"
        "RUN pip install --user -r requirements.txt\nCOPY . .\n"
    )
    builder = lines(s.builder)
    assert builder[:3] == ["ARG V", "ENV A=1", "RUN apt-get update && apt-get install -y gcc"]
    assert "LABEL v=$V" not in builder and "EXPOSE 80" not in builder
    assert lines(s.app_pre) == ["ARG V", "LABEL v=$V", "ENV A=1", "EXPOSE 80", "WORKDIR /app"]


def test_apt_update_alone_is_a_package_run() -> None:
    df = parse("FROM debian\nRUN apt-get update\n")
    run = package_run(df.instructions[1], Distro("debian", None))
    assert run is not None and run.packages == () and run.manager == "apt"


def test_package_run_reads_options_with_values() -> None:
    df = parse("FROM alpine:3.19\nRUN apk add --no-cache --virtual .deps --repository http://x gcc libffi-dev\n")
    run = package_run(df.instructions[1], Distro("alpine", "3.19"))
    assert [p.name for p in run.packages] == ["gcc", "libffi-dev"]
    assert [p.role for p in run.packages] == [Role.BUILD_ONLY, Role.LIBRARY]


def test_package_run_rejects_other_commands() -> None:
    df = parse("FROM debian\nRUN apt-get install -y gcc && make\n")
    assert package_run(df.instructions[1], Distro("debian", None)) is None


def test_root_image_follows_stage_names() -> None:
    df = parse("FROM python:3.12-slim-bookworm AS base\nFROM base AS deps\nFROM deps\n")
    assert root_image(df, df.stages[-1]) == "python:3.12-slim-bookworm"


def test_upgrading_pip_itself_does_not_count_against_user() -> None:
    s = shape_of(HEAD + "COPY requirements.txt .\nRUN pip install -U pip && pip install --user -r requirements.txt\n")
    assert s.ready and s.kind == "pip-user"


@pytest.mark.parametrize("install", ["npm install -g pm2", "npm install express", "npm i --global typescript"])
def test_npm_outside_the_project_is_declined(install: str) -> None:
    text = f"FROM node:20\nRUN apt-get update && apt-get install -y g++\nWORKDIR /app\nCOPY package.json .\nRUN {install}\n"
    assert "outside node_modules" in shape_of(text).problem


def test_poetry_sets_virtual_env_plain_pip_does_not() -> None:
    poetry = shape_of(
        HEAD + "RUN pip install poetry\nCOPY pyproject.toml poetry.lock ./\n"
        "RUN poetry config virtualenvs.create false && poetry install --no-root\n"
    )
    assert (poetry.kind, poetry.deps, poetry.activate) == ("venv", VENV, True)
    assert poetry.make_venv is not None and poetry.make_venv.text.startswith("RUN pip install poetry")
    plain = shape_of(HEAD + "COPY requirements.txt .\nRUN pip install -r requirements.txt\n")
    assert plain.activate is False


@pytest.mark.parametrize(
    ("command", "kind"),
    [
        ("pip install flask", "pip"), ("pip3.12 install flask", "pip"), ("python3 -m pip install flask", "pip"),
        ("/usr/local/bin/pip install flask", "pip"), ("uv pip install flask", "pip"), ("pip download flask", ""),
        ("python3 -m venv /opt/venv", "venv"), ("python -m venv /opt/venv", "venv"),
        ("poetry config virtualenvs.create false", "poetry"), ("poetry install", "poetry"),
        ("npm ci", "node"), ("yarn", "node"), ("go build -o /app .", "go"), ("go mod download", "go-mod"),
        ("apt-get install -y gcc", ""), ("pipx install black", ""), ("pythonx -m venv /v", ""), ("make", ""),
    ],
)
def test_dependency_kind(command: str, kind: str) -> None:
    """What each command installs; programs that are no installer are turned away first."""
    from slimfix.shell import script
    from slimfix.stage_shape import _dependency_kind

    scr = script(parse(f"FROM d\nRUN {command}\n").instructions[1])
    assert _dependency_kind(scr.commands[0]) == kind


def test_stage_without_dependency_install_is_not_classified(monkeypatch) -> None:
    """A final stage with no pip/npm/go install needs no look at its packages (most files)."""
    import slimfix.stage_shape as stage_shape

    looked: list[str] = []
    monkeypatch.setattr(stage_shape, "package_run", lambda instr, distro: looked.append(instr.text))
    text = HEAD + "COPY . .\n" + "RUN make && ./configure\nRUN apt-get install -y curl\n" * 20
    assert shape_of(text) is None and looked == []
    shape_of(text + "RUN pip install -r requirements.txt\n")
    assert len(looked) == 42  # one install: every RUN is looked at
