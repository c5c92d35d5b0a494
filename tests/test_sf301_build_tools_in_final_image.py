"""SF301 build-tools-in-final-image: the split, its safety, and how it waits for SF201/SF403."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from slimfix import parse
from slimfix.engine import Safety, Settings, check_text, fix_text
from slimfix.runtime_libs import distro_of
from slimfix.stage_shape import analyse, package_run

READY = """\
FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev \\
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
CMD ["python", "app.py"]
"""
NOT_READY = READY.replace("COPY requirements.txt .\n", "COPY . .\n", 1).replace("COPY . .\nCMD", "CMD")


def sf301(text: str, **kw) -> list:
    return [d for d in check_text(text, Settings(**kw)) if d.code == "SF301"]


def test_ready_stage_gets_a_safe_fix() -> None:
    (d,) = sf301(READY, select=frozenset({"SF301"}))
    assert d.fix is not None and d.fix.safety is Safety.SAFE
    assert d.line == 2 and "gcc, libpq-dev" in d.message
    out = fix_text(READY, Settings(select=frozenset({"SF301"}))).output
    builder, app = out.split("\n\n")
    assert builder.startswith("FROM python:3.12-slim AS builder\n")
    assert "RUN python -m venv /opt/venv\nENV PATH=/opt/venv/bin:$PATH\nCOPY requirements.txt ." in builder
    assert app.startswith("FROM python:3.12-slim AS app\n")
    assert "gcc" not in app and "libpq-dev" not in app
    assert "apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*" in app
    assert app.endswith('COPY --from=builder /opt/venv /opt/venv\nENV PATH=/opt/venv/bin:$PATH\nCOPY . .\nCMD ["python", "app.py"]\n')


def test_result_is_a_fixed_point() -> None:
    out = fix_text(READY, Settings(select=frozenset({"SF301"}))).output
    assert sf301(out, select=frozenset({"SF301"})) == []
    df = parse(out)
    assert [s.name for s in df.stages] == ["builder", "app"]
    assert analyse(df, df.stages[-1]) is None


def test_run_after_install_is_unsafe() -> None:
    text = READY.replace("CMD", "RUN python -m compileall .\nCMD")
    (d,) = sf301(text, select=frozenset({"SF301"}))
    assert d.fix.safety is Safety.UNSAFE
    assert fix_text(text, Settings(select=frozenset({"SF301"}))).output == text
    assert "FROM python:3.12-slim AS app" in fix_text(text, Settings(select=frozenset({"SF301"}), unsafe_fixes=True)).output


def test_unknown_runtime_package_is_report_only() -> None:
    text = READY.replace("libpq-dev", "libgdal-dev")
    (d,) = sf301(text, select=frozenset({"SF301"}), unsafe_fixes=True)
    assert d.fix is None and "libgdal-dev" in d.message
    assert fix_text(text, Settings(select=frozenset({"SF301"}), unsafe_fixes=True)).output == text


def test_without_sf201_the_wait_is_reported() -> None:
    (d,) = sf301(NOT_READY, select=frozenset({"SF301"}), unsafe_fixes=True)
    assert d.fix is None and "(SF201)" in d.message


def test_waits_silently_while_sf201_fixes(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("flask\n")
    (tmp_path / "app.py").write_text("print('hi')\n")
    chosen = Settings(select=frozenset({"SF301", "SF201"}), unsafe_fixes=True, context=tmp_path)
    found = check_text(NOT_READY, chosen)
    if not any(d.code == "SF201" and d.fix is not None for d in found):
        pytest.skip("SF201 does not fix this shape (yet)")
    assert [d for d in found if d.code == "SF301"] == []
    out = fix_text(NOT_READY, chosen).output
    assert "AS builder" in out and "AS app" in out
    assert out.count("COPY . .") == 1 and out.index("COPY . .") > out.index("AS app")


def test_suppressed_on_the_tool_run() -> None:
    text = READY.replace("RUN apt-get", "# slimfix: ignore=SF301\nRUN apt-get", 1)
    assert fix_text(text, Settings(select=frozenset({"SF301"}), unsafe_fixes=True)).output == text


def test_onbuild_install_is_not_a_tool_install() -> None:
    text = READY.replace("RUN apt-get", "ONBUILD RUN apt-get", 1)
    assert sf301(text, select=frozenset({"SF301"})) == []


def test_only_the_final_stage_is_split() -> None:
    text = READY + "\nFROM python:3.12-slim\nCOPY --from=0 /app /app\n"
    assert sf301(text, select=frozenset({"SF301"})) == []


def test_documented_examples_are_what_the_fix_does() -> None:
    import re

    from slimfix import catalog
    from slimfix.transforms import sf301_build_tools_in_final_image as module

    chosen = Settings(select=frozenset({"SF301"}))
    example = catalog.entry("SF301")["example"]
    assert fix_text(example["before"], chosen).output == example["after"]
    before, after = re.findall(r"```dockerfile\n(.*?)```", module.__doc__, re.DOTALL)
    assert fix_text(before, chosen).output == after


# ---- property: any ready stage splits into a builder and a tool-free app ----------------------

TOOLS = ["gcc", "g++", "make", "build-essential", "libpq-dev", "libjpeg-dev", "zlib1g-dev", "libxslt1-dev", "git"]
INSTALLS = {
    "user": ("COPY requirements.txt .\n", "RUN pip install --user -r requirements.txt\n"),
    "venv": ("COPY requirements.txt .\n", "RUN pip install -r requirements.txt\n"),
    "poetry": (
        "RUN pip install poetry\nCOPY pyproject.toml poetry.lock ./\n",
        "RUN poetry config virtualenvs.create false && poetry install --no-root\n",
    ),
}


BOOKWORM_ISH = distro_of("python:3.12-slim")


@st.composite
def ready_files(draw) -> str:
    tools = draw(st.lists(st.sampled_from(TOOLS), min_size=1, max_size=4, unique=True))
    extra = draw(st.sampled_from(["", " curl", " ca-certificates"]))
    before, install = INSTALLS[draw(st.sampled_from(sorted(INSTALLS)))]
    settings_lines = draw(st.lists(st.sampled_from(["ENV A=1\n", "ARG B\n", "LABEL c=d\n", "EXPOSE 80\n"]), max_size=3))
    tail = draw(st.lists(st.sampled_from(["USER nobody\n", "ENV PORT=80\n", "VOLUME /data\n", "STOPSIGNAL SIGINT\n"]), max_size=3))
    nl = draw(st.sampled_from(["\n", "\r\n"]))
    text = (
        "FROM python:3.12-slim\n" + "".join(settings_lines)
        + f"RUN apt-get update && apt-get install -y {' '.join(tools)}{extra}\n"
        + "WORKDIR /app\n" + before + install + "COPY . .\n" + "".join(tail) + 'CMD ["python", "app.py"]\n'
    )
    return text.replace("\n", nl)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ready_files())
def test_any_ready_stage_splits(text: str) -> None:
    chosen = Settings(select=frozenset({"SF301"}), unsafe_fixes=True)
    result = fix_text(text, chosen)
    out = result.output
    df = parse(out)
    assert [s.name for s in df.stages] == ["builder", "app"]
    app_runs = [i for i in df.stages[-1].instructions if i.name == "RUN"]
    for instr in app_runs:  # no build tool left in the final image
        run = package_run(instr, BOOKWORM_ISH)
        assert run is not None and not run.tools
        assert not set(TOOLS) & set(instr.value[0].split())
    if "libpq-dev" in text:
        assert any("libpq5" in i.value[0].split() for i in app_runs)
    if " curl" in text:
        assert any("curl" in i.value[0].split() for i in app_runs)
    # nothing is lost: every original instruction is still in the file
    for instr in parse(text).instructions[1:]:
        assert instr.text.strip() in out
    assert fix_text(out, chosen).output == out
    newline = "\r\n" if "\r\n" in text else "\n"
    assert out.count(newline) == out.count("\n")
