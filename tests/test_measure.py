"""``slimfix measure`` without real builds: command lines, detection, layer mapping, output,
and whole runs against a fake ``buildah`` script that logs its calls."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import shutil
import stat
import sys
import textwrap
import time
from pathlib import Path

import jsonschema
import pytest

from slimfix import parse
from slimfix.config import load_settings
from slimfix.measure.builders import (
    Buildah,
    Docker,
    ImageFacts,
    Podman,
    detect,
    to_bytes,
)
from slimfix.measure.cli import main
from slimfix.measure.layers import (
    HistoryEntry,
    LayerSize,
    attribute,
    build_chain,
    keyword_of,
)
from slimfix.measure.process import MeasureError, run
from slimfix.measure.progress import Progress
from slimfix.measure.report import (
    Figures,
    Measurement,
    Smoke,
    human_bytes,
    render_table,
    to_json,
)
from slimfix.measure.steps import Step
from slimfix.measure.workspace import append_comment, choose_touch, copy_side

# --- command lines -------------------------------------------------------------------


def test_docker_buildx_command_lines() -> None:
    docker = Docker(buildx=True)
    assert docker.build(Path("app/Dockerfile"), Path("app"), "t:before", cache=False) == (
        "docker", "buildx", "build", "--load", "--progress=plain", "--no-cache",
        "-t", "t:before", "-f", "app/Dockerfile", "app",
    )
    assert "--no-cache" not in docker.build(Path("D"), Path("."), "t", cache=True)
    assert docker.build_env() == {}
    assert docker.describe("t") == (
        ("docker", "image", "inspect", "t"),
        ("docker", "history", "--human=false", "--no-trunc", "--format", "{{json .}}", "t"),
    )
    assert docker.create_container("t") is None
    assert docker.run_in("t", "python -V") == ("docker", "run", "--rm", "--entrypoint", "sh", "t", "-c", "python -V")
    assert docker.remove_image("t") == ("docker", "rmi", "t")


def test_docker_without_buildx_uses_buildkit_env() -> None:
    docker = Docker(buildx=False)
    assert docker.build(Path("D"), Path("ctx"), "t", cache=True) == (
        "docker", "build", "--progress=plain", "-t", "t", "-f", "D", "ctx",
    )
    assert docker.build_env() == {"DOCKER_BUILDKIT": "1"}


def test_podman_command_lines() -> None:
    podman = Podman()
    assert podman.build(Path("D"), Path("ctx"), "t", cache=False) == (
        "podman", "build", "--layers", "--no-cache", "-t", "t", "-f", "D", "ctx",
    )
    assert podman.describe("t")[1] == ("podman", "history", "--no-trunc", "--format", "json", "t")
    assert podman.run_in("t", "true") == ("podman", "run", "--rm", "--entrypoint", "sh", "t", "-c", "true")
    assert podman.remove_container("x") is None


def test_buildah_command_lines() -> None:
    buildah = Buildah()
    assert buildah.build(Path("D"), Path("ctx"), "t", cache=False) == (
        "buildah", "bud", "--isolation", "chroot", "--pull=false", "--layers", "--no-cache",
        "-t", "t", "-f", "D", "ctx",
    )
    assert buildah.describe("t") == (("buildah", "inspect", "--type", "image", "t"),)
    assert buildah.create_container("t") == ("buildah", "from", "--pull=never", "t")
    assert buildah.run_in("ctr", "echo hi") == (
        "buildah", "run", "--isolation", "chroot", "ctr", "--", "sh", "-c", "echo hi",
    )
    assert buildah.remove_container("ctr") == ("buildah", "rm", "ctr")
    assert Buildah(isolation=None).build(Path("D"), Path("c"), "t", cache=True)[:3] == ("buildah", "bud", "--pull=false")


# --- detection -----------------------------------------------------------------------


def _fake_path(monkeypatch: pytest.MonkeyPatch, *present: str) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: f"/fake/{name}" if name in present else None)


def _probe(down: tuple[str, ...] = ()):
    calls: list[tuple[str, ...]] = []

    def check(argv: tuple[str, ...]) -> str | None:
        calls.append(argv)
        return "Cannot connect to the Docker daemon" if " ".join(argv[:2]) in down else None

    return check, calls


@pytest.mark.parametrize(
    ("present", "down", "expected"),
    [
        (("docker", "podman", "buildah"), (), "docker"),
        (("docker", "podman", "buildah"), ("docker version",), "podman"),
        (("podman", "buildah"), (), "podman"),
        (("buildah",), (), "buildah"),
        (("docker", "buildah"), ("docker version",), "buildah"),
    ],
)
def test_detection_order(monkeypatch: pytest.MonkeyPatch, present, down, expected) -> None:
    _fake_path(monkeypatch, *present)
    check, _ = _probe(down)
    assert detect(check=check).name == expected


def test_docker_without_buildx_plugin(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_path(monkeypatch, "docker")
    check, calls = _probe(("docker buildx",))
    found = detect(check=check)
    assert found == Docker(buildx=False)
    assert calls == [("docker", "version", "--format", "{{.Server.Version}}"), ("docker", "buildx", "version")]


def test_no_builder_names_every_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_path(monkeypatch, "docker")
    check, _ = _probe(("docker version",))
    with pytest.raises(MeasureError) as err:
        detect(check=check)
    message = str(err.value)
    assert "daemon does not answer: Cannot connect" in message
    assert "podman is not installed" in message and "buildah is not installed" in message


def test_chosen_builder_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_path(monkeypatch, "docker", "buildah")
    check, calls = _probe()
    with pytest.raises(MeasureError, match="podman is not installed"):
        detect("podman", check=check)
    assert detect("buildah", check=check).name == "buildah"
    assert calls == []  # choosing buildah never asks docker
    with pytest.raises(MeasureError, match="--builder must be one of"):
        detect("kaniko", check=check)


def test_buildah_isolation_follows_env(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_path(monkeypatch, "buildah")
    monkeypatch.setenv("BUILDAH_ISOLATION", "oci")
    assert detect(check=_probe()[0]) == Buildah(isolation=None)


# --- image descriptions and layer mapping ---------------------------------------------

# Made by buildah 1.28 for TINY (history trimmed to the fields slimfix reads).
TINY = """\
FROM debian:bookworm-slim AS b
RUN echo hi > /built
FROM debian:bookworm-slim
ARG X=1
ENV Y=2
WORKDIR /app
COPY a.txt .
COPY --from=b /built /built
RUN echo $X > /x
CMD ["cat", "/x"]
"""
TINY_INSPECT = {
    "Manifest": json.dumps({"layers": [{"size": 78143488}, {"size": 2560}, {"size": 2048}, {"size": 3584}]}),
    "OCIv1": {
        "history": [
            {"created_by": "/bin/sh"},
            {"created_by": "/bin/sh -c #(nop) ARG X", "empty_layer": True},
            {"created_by": "/bin/sh -c #(nop) ENV Y=2", "empty_layer": True},
            {"created_by": "/bin/sh -c #(nop) WORKDIR /app", "empty_layer": True},
            {"created_by": "/bin/sh -c #(nop) COPY file:bbc2 in . "},
            {"created_by": "/bin/sh -c #(nop) COPY file:ebbb in /built "},
            {"created_by": "|1 X=1 /bin/sh -c echo $X > /x"},
            {"created_by": '/bin/sh -c #(nop) CMD ["cat", "/x"]', "empty_layer": True},
        ]
    },
}


def test_buildah_facts_and_attribution() -> None:
    facts = Buildah().facts([json.dumps(TINY_INSPECT)])
    assert facts.size == 78143488 + 2560 + 2048 + 3584
    assert facts.layers == 4
    rows = attribute(parse(TINY), "Dockerfile", facts.history)
    assert rows == (
        LayerSize("FROM debian:bookworm-slim (base image, 1 layer)", "Dockerfile:3", 78143488, base=True),
        LayerSize("RUN echo $X > /x", "Dockerfile:9", 3584),
        LayerSize("COPY a.txt .", "Dockerfile:7", 2560),
        LayerSize("COPY --from=b /built /built", "Dockerfile:8", 2048),
    )


def test_docker_buildkit_history_attribution() -> None:
    text = "FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install \\\n    -r requirements.txt\nCOPY . .\nCMD [\"python\", \"main.py\"]\n"
    inspect = json.dumps([{"Size": 200_000_000, "RootFS": {"Layers": ["a", "b", "c", "d", "e"]}}])
    rows = [  # docker history prints newest first
        {"CreatedBy": 'CMD ["python" "main.py"]', "Size": "0"},
        {"CreatedBy": "COPY . . # buildkit", "Size": "5000"},
        {"CreatedBy": "RUN /bin/sh -c pip install -r requirements.txt # buildkit", "Size": "90000000"},
        {"CreatedBy": "COPY requirements.txt . # buildkit", "Size": "120"},
        {"CreatedBy": "WORKDIR /app", "Size": "0"},
        {"CreatedBy": 'CMD ["python3"]', "Size": "0"},
        {"CreatedBy": "RUN /bin/sh -c apt-get install python3 # buildkit", "Size": "30000000"},
        {"CreatedBy": "/bin/sh -c #(nop) ADD file:abc in / ", "Size": "80000000"},
    ]
    facts = Docker().facts([inspect, "\n".join(json.dumps(r) for r in rows)])
    assert (facts.size, facts.layers) == (200_000_000, 5)
    got = attribute(parse(text), "Dockerfile", facts.history)
    assert [r.size for r in got] == sorted((r.size for r in got), reverse=True)
    assert {r.location: r.size for r in got} == {
        "Dockerfile:1": 110_000_000, "Dockerfile:4": 90_000_000, "Dockerfile:6": 5000, "Dockerfile:3": 120,
    }
    assert got[0].base and "2 layers" in got[0].instruction
    assert got[1].instruction == "RUN pip install -r requirements.txt"


def test_podman_history_json() -> None:
    inspect = json.dumps([{"Size": 3000, "RootFS": {"Layers": ["a", "b"]}}])
    history = json.dumps([
        {"id": "x", "createdBy": "/bin/sh -c make", "size": 1000},
        {"id": "<missing>", "createdBy": "/bin/sh -c #(nop) ADD file:1 in / ", "size": 2000},
    ])
    facts = Podman().facts([inspect, history])
    assert facts == ImageFacts(3000, 2, (
        HistoryEntry("/bin/sh -c #(nop) ADD file:1 in / ", 2000), HistoryEntry("/bin/sh -c make", 1000),
    ))
    rows = attribute(parse("FROM scratch\nRUN make\n"), "D", facts.history)
    assert [(r.location, r.size, r.base) for r in rows] == [("D:1", 2000, True), ("D:2", 1000, False)]


@pytest.mark.parametrize(
    ("created_by", "keyword"),
    [
        ("/bin/sh -c #(nop) COPY dir:91 in /app ", "COPY"),
        ("/bin/sh -c #(nop)  ENV A=b", "ENV"),
        ("|2 A=1 B=2 /bin/sh -c make", "RUN"),
        ("/bin/bash -o pipefail -c make", "RUN"),
        ("RUN |1 A=1 /bin/sh -c make # buildkit", "RUN"),
        ("COPY --chown=app . /app # buildkit", "COPY"),
        ("", ""),
    ],
)
def test_keyword_of(created_by: str, keyword: str) -> None:
    assert keyword_of(created_by) == keyword


def test_build_chain_follows_from_stage() -> None:
    df = parse("FROM a AS base\nRUN x\nFROM b AS other\nRUN y\nFROM base\nRUN z\n")
    assert [s.index for s in build_chain(df)] == [0, 2]


def test_unmatched_history_is_base_image() -> None:
    history = (HistoryEntry("/bin/sh -c #(nop) ADD file:1 in /", 500), HistoryEntry("/bin/sh -c #(nop) COPY file:2 in /a", 7))
    rows = attribute(parse("FROM img\nRUN true\nCOPY a /a\n"), "D", history)
    assert [(r.location, r.size) for r in rows] == [("D:1", 500), ("D:3", 7)]


@pytest.mark.parametrize(("value", "size"), [(12, 12), ("340", 340), ("1.5MB", 1_500_000), ("2KiB", 2048), ("0B", 0)])
def test_to_bytes(value: object, size: int) -> None:
    assert to_bytes(value) == size


# --- report ---------------------------------------------------------------------------


def _measurement(changed: bool = True, layers: bool = True, after_ok: bool = True) -> Measurement:
    rows = (LayerSize("RUN pip install -r requirements.txt", "Dockerfile:7", 184_709_120),) if layers else None
    before = Figures(551_777_280, 5, 81.44, 79.9, 6_311_567, 13, Smoke("python -V", True), rows,
                     (Step("COPY . /app", False, 0.41), Step("RUN pip install -r requirements.txt", False, 77.5)))
    after = Figures(367_000_000, 6, 95.3, 3.21, 3_100_000, 7, Smoke("python -V", after_ok), rows,
                    (Step("COPY requirements.txt .", True, 0.05), Step("RUN pip install -r requirements.txt", True, 0.1),
                     Step("COPY --from=builder /root/.local /root/.local", True, 2.2), Step("COPY . /app", False, 0.4)))
    return Measurement("buildah", "Dockerfile", changed, "main.py", before, after if changed else before, ("a note",))


def test_table_rows() -> None:
    table = render_table(_measurement())
    lines = table.splitlines()
    assert lines[0] == "slimfix measure: Dockerfile, built with buildah"
    size_row = next(line for line in lines if line.startswith("image size"))
    assert size_row.split()[2:] == ["551.8", "MB", "367.0", "MB", "-33%"]
    assert next(line for line in lines if line.startswith("rebuild (main.py changed)")).split()[-1] == "-96%"
    assert next(line for line in lines if line.startswith("layers ")).split()[1:] == ["5", "6", "+1"]
    assert "layers after, largest first (lines of the rewritten Dockerfile):" in lines
    assert any(line.split()[:3] == ["184.7", "MB", "Dockerfile:7"] for line in lines)
    assert lines[-1] == "- a note"
    steps = lines.index("steps the rebuild ran again (main.py changed):")
    assert lines[steps + 1:steps + 6] == [
        "  before: 2 of 2 steps",
        "       0.4 s  COPY . /app",
        "      77.5 s  RUN pip install -r requirements.txt",
        "  after: 1 of 4 steps; the 3 reused took 2.4 s to check",
        "       0.4 s  COPY . /app",
    ]
    smoke = next(line for line in lines if line.startswith("smoke:"))
    assert smoke.split()[-2:] == ["ok", "ok"]


def test_table_when_nothing_changed() -> None:
    lines = render_table(_measurement(changed=False)).splitlines()
    assert next(line for line in lines if line.startswith("cold build")).split()[-1] == "same"
    assert not any(line.startswith("layers after") for line in lines)
    assert not any(line.startswith("  after:") for line in lines)
    assert "  before: 2 of 2 steps" in lines


def test_table_rebuild_label_and_tiny_changes() -> None:
    m = _measurement()
    untouched = dataclasses.replace(m, touched=None, after=dataclasses.replace(m.after, rebuild_s=79.7))
    row = next(line for line in render_table(untouched).splitlines() if line.startswith("rebuild"))
    assert row.split()[0] == "rebuild" and row.split()[-1] == "same"  # 79.9 -> 79.7 s rounds to 0%


MEASURE_SCHEMA = {
    "type": "object",
    "required": ["version", "builder", "dockerfile", "changed", "touched", "before", "after", "notes"],
    "additionalProperties": False,
    "properties": {
        "version": {"const": 1},
        "builder": {"enum": ["docker", "podman", "buildah"]},
        "dockerfile": {"type": "string"},
        "changed": {"type": "boolean"},
        "touched": {"type": ["string", "null"]},
        "notes": {"type": "array", "items": {"type": "string"}},
        "before": {"$ref": "#/$defs/figures"},
        "after": {"$ref": "#/$defs/figures"},
    },
    "$defs": {
        "figures": {
            "type": "object",
            "additionalProperties": False,
            "required": ["image_size", "layers", "cold_build_s", "rebuild_s", "context_bytes", "context_files", "smoke",
                         "rebuild_steps", "rebuilds_s"],
            "properties": {
                "image_size": {"type": "integer", "minimum": 0},
                "layers": {"type": "integer", "minimum": 0},
                "cold_build_s": {"type": "number"},
                "rebuild_s": {"type": ["number", "null"]},
                "rebuilds_s": {"type": ["array", "null"], "items": {"type": "number"}, "minItems": 1},
                "context_bytes": {"type": "integer"},
                "context_files": {"type": "integer"},
                "smoke": {
                    "oneOf": [
                        {"type": "null"},
                        {"type": "object", "required": ["command", "ok"], "additionalProperties": False,
                         "properties": {"command": {"type": "string"}, "ok": {"type": "boolean"}}},
                    ]
                },
                "rebuild_steps": {
                    "type": ["array", "null"],
                    "items": {"type": "object", "required": ["instruction", "cached", "seconds"],
                              "additionalProperties": False,
                              "properties": {"instruction": {"type": "string"}, "cached": {"type": "boolean"},
                                             "seconds": {"type": "number", "minimum": 0}}},
                },
                "layer_sizes": {
                    "type": "array",
                    "items": {"type": "object", "required": ["instruction", "location", "size"],
                              "additionalProperties": False,
                              "properties": {"instruction": {"type": "string"}, "location": {"type": "string"},
                                             "size": {"type": "integer"}}},
                },
            },
        }
    },
}


def test_json_shape() -> None:
    data = json.loads(to_json(_measurement()))
    jsonschema.validate(data, MEASURE_SCHEMA)
    assert data["before"]["cold_build_s"] == 81.44 and data["after"]["rebuild_s"] == 3.21
    assert data["after"]["layer_sizes"][0]["location"] == "Dockerfile:7"
    assert "layer_sizes" not in json.loads(to_json(_measurement(layers=False)))["before"]
    assert data["after"]["rebuild_steps"][2] == {
        "instruction": "COPY --from=builder /root/.local /root/.local", "cached": True, "seconds": 2.2}


def test_human_bytes() -> None:
    assert [human_bytes(n) for n in (999, 1_000, 2_500_000, 3_000_000_000)] == ["999 B", "1.0 kB", "2.5 MB", "3.0 GB"]


# --- workspace ------------------------------------------------------------------------


def _app(root: Path, dockerfile: str = "FROM python:3.11-slim\nCOPY . /app\nRUN pip install -r /app/requirements.txt\n") -> Path:
    app = root / "app"
    (app / "pkg").mkdir(parents=True)
    (app / "Dockerfile").write_text(dockerfile)
    (app / "requirements.txt").write_text("flask\n")
    (app / "pkg/util.py").write_text("X = 1\n")
    (app / "main.py").write_text("print('hi')")
    (app / "data.bin").write_bytes(b"\0" * 10)
    return app


def test_choose_touch_prefers_shallow_source_not_manifest(tmp_path: Path) -> None:
    app = _app(tmp_path)
    side = copy_side("before", app, app / "Dockerfile", tmp_path / "scratch")
    assert choose_touch(parse((app / "Dockerfile").read_text()), (side,), None) == "main.py"
    (side.context / ".dockerignore").write_text("main.py\n")
    assert choose_touch(parse((app / "Dockerfile").read_text()), (side,), None) == "pkg/util.py"
    with pytest.raises(MeasureError, match="--touch main.py: no such file in the before build context"):
        choose_touch(parse((app / "Dockerfile").read_text()), (side,), "main.py")
    assert choose_touch(parse((app / "Dockerfile").read_text()), (side,), "./pkg/util.py") == "pkg/util.py"
    (side.context / "pkg/util.py").unlink()
    (side.context / "pkg/util.py").symlink_to(app / "pkg/util.py")  # a change must not reach the user's file
    assert choose_touch(parse((app / "Dockerfile").read_text()), (side,), None) is None
    with pytest.raises(MeasureError, match="not a symlink"):
        choose_touch(parse((app / "Dockerfile").read_text()), (side,), "pkg/util.py")


def test_choose_touch_only_copied_sources(tmp_path: Path) -> None:
    app = _app(tmp_path, "FROM python:3.11-slim\nCOPY requirements.txt pkg/ /app/\n")
    side = copy_side("before", app, app / "Dockerfile", tmp_path / "scratch")
    assert choose_touch(parse((app / "Dockerfile").read_text()), (side,), None) == "pkg/util.py"
    app2 = _app(tmp_path / "two", "FROM python:3.11-slim\nCOPY requirements.txt /app/\n")
    side2 = copy_side("before", app2, app2 / "Dockerfile", tmp_path / "scratch2")
    assert choose_touch(parse((app2 / "Dockerfile").read_text()), (side2,), None) is None


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("main.py", b"print(1)\n", b"print(1)\n# slimfix measure: one-line change\n"),
        ("index.js", b"x()", b"x()\n// slimfix measure: one-line change\n"),
        ("main.go", b"package main\r\n", b"package main\r\n// slimfix measure: one-line change\r\n"),
        ("style.css", b"", b"/* slimfix measure: one-line change */\n"),
        ("config.json", b"{}\n", b"{}\n\n"),
    ],
)
def test_append_comment(tmp_path: Path, name: str, content: bytes, expected: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    append_comment(path)
    assert path.read_bytes() == expected


def test_each_rebuild_makes_a_change_no_build_has_seen(
    fake_buildah: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A second measure of the same app must not find the first one's rebuild layers in the cache."""
    import slimfix.measure.session as session

    seen: list[bytes] = []
    real = session.append_comment

    def spy(path: Path, mark: str = "") -> None:
        real(path, mark)
        seen.append(path.read_bytes())

    monkeypatch.setattr(session, "append_comment", spy)
    app = _app(tmp_path / "src", NAIVE)
    for _ in range(2):
        assert main([str(app), "--rebuilds", "2"]) == 0
    capsys.readouterr()
    assert len(seen) == 8  # two runs, two sides, two rebuilds
    assert len(set(seen)) == 8  # every rebuild's main.py differs from every other's
    # a file without a known comment syntax gets a blank line, which the note owns up to
    (app / "settings.json").write_text("{}\n")
    assert main([str(app), "--touch", "settings.json"]) == 0
    out = capsys.readouterr().out
    assert "blank line appended to settings.json" in out and "may have built already" in out


def test_copy_side_dockerfile_outside_context(tmp_path: Path) -> None:
    app = _app(tmp_path)
    outside = tmp_path / "docker" / "api.Dockerfile"
    outside.parent.mkdir()
    outside.write_text("FROM scratch\n")
    (outside.parent / "api.Dockerfile.dockerignore").write_text("data.bin\n")
    side = copy_side("after", app, outside, tmp_path / "scratch")
    assert side.dockerfile.read_text() == "FROM scratch\n"
    assert side.dockerfile.with_name("api.Dockerfile.dockerignore").read_text() == "data.bin\n"
    assert (side.context / "pkg/util.py").is_file() and not side.dockerfile.is_relative_to(side.context)


def test_copy_side_skips_fifo_and_scratch(tmp_path: Path) -> None:
    app = _app(tmp_path)
    os.mkfifo(app / "pipe")
    scratch = app / "scratch"  # a context that holds the scratch folder (say, /tmp)
    scratch.mkdir()
    side = copy_side("before", app, app / "Dockerfile", scratch)
    assert (side.context / "main.py").is_file()
    assert not (side.context / "pipe").exists() and not (side.context / "scratch").exists()


def test_run_times_out(tmp_path: Path) -> None:
    with pytest.raises(MeasureError, match="still running after 1 s"):
        run((sys.executable, "-c", "print('started', flush=True); import time; time.sleep(30)"), timeout=1)
    done = run((sys.executable, "-c", "import sys; print('out'); sys.exit(3)"), timeout=30)
    assert (done.returncode, done.output) == (3, "out\n")


# --- whole runs against a fake buildah ---------------------------------------------------

FAKE_BUILDAH = textwrap.dedent(
    """\
    #!{python}
    # A stand-in for buildah: logs each call, "builds" by remembering the Dockerfile per tag,
    # and describes an image with one history entry per instruction of its last stage.
    import json, os, sys
    from pathlib import Path

    state = Path(os.environ["FAKE_STATE"])
    args = sys.argv[1:]
    with open(state / "calls.log", "a") as log:
        log.write(json.dumps(args) + "\\n")
    verb = args[0]
    if verb == "bud":
        dockerfile = Path(args[args.index("-f") + 1])
        side = "after" if "/after/" in str(dockerfile) else "before"
        step = "rebuild" if "--no-cache" not in args else "cold"
        print("STEP 1/3: FROM something")
        if os.environ.get("FAKE_FAIL") in (side, side + "-" + step):
            print("error: RUN pip install: exit status 1", flush=True)
            sys.exit(1)
        tag = args[args.index("-t") + 1]
        # with the cache on, every step before the one copying the whole context is reused
        steps = [line for line in dockerfile.read_text().splitlines() if line[:1].isupper()][1:]
        reused = "--no-cache" not in args
        for number, line in enumerate(steps, start=2):
            print(f"STEP {{number}}/{{len(steps) + 1}}: {{line}}")
            reused = reused and not line.startswith("COPY . ")
            print("--> Using cache 0a5e5014c190" if reused else "--> 1f85abf982c")
        (state / tag.replace("/", "_")).write_text(dockerfile.read_text())
        print("COMMIT " + tag)
    elif verb == "inspect":
        text = (state / args[-1].replace("/", "_")).read_text()
        lines = text.splitlines()
        last = max(i for i, line in enumerate(lines) if line.startswith("FROM"))
        history = [{{"created_by": "/bin/sh"}}]
        sizes = [1_000_000]
        for number, line in enumerate(lines[last + 1:], start=last + 2):
            word = line.split(" ", 1)[0]
            if word in ("RUN",):
                history.append({{"created_by": "/bin/sh -c " + line[4:]}})
                sizes.append(number * 1000)
            elif word in ("COPY", "ADD"):
                history.append({{"created_by": "/bin/sh -c #(nop) " + word + " file:1 in /x"}})
                sizes.append(number * 1000)
            elif word.isupper() and word:
                history.append({{"created_by": "/bin/sh -c #(nop) " + line, "empty_layer": True}})
        manifest = {{"layers": [{{"size": s}} for s in sizes]}}
        print(json.dumps({{"Manifest": json.dumps(manifest), "OCIv1": {{"history": history}}}}))
    elif verb == "from":
        print("ctr-" + args[-1].rsplit(":", 1)[-1])
    elif verb == "run":
        container, command = args[args.index("--") - 1], args[-1]
        side = container.split("-", 1)[1]
        sys.exit(7 if os.environ.get("FAKE_SMOKE_FAIL") == side else 0)
    """
)


@pytest.fixture
def fake_buildah(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake buildah alone on PATH; returns the folder its state and call log go to."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "buildah"
    script.write_text(FAKE_BUILDAH.format(python=sys.executable))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    state = tmp_path / "state"
    state.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("FAKE_STATE", str(state))
    monkeypatch.delenv("BUILDAH_ISOLATION", raising=False)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    return state


NAIVE = "FROM python:3.11-slim\nCOPY . /app\nWORKDIR /app\nRUN pip install -r requirements.txt\nCMD python main.py\n"


def _calls(state: Path) -> list[list[str]]:
    return [json.loads(line) for line in (state / "calls.log").read_text().splitlines()]


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_full_run_json(fake_buildah: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app = _app(tmp_path / "src", NAIVE)
    (app / ".git").mkdir()
    (app / ".git/HEAD").write_text("ref: refs/heads/main\n")
    (app / ".git/index").write_bytes(b"\1" * 5000)
    files_before = _tree(app)
    code = main([str(app), "--json", "--layers", "--run", "python -V"])
    out, err = capsys.readouterr()
    assert code == 0, err
    data = json.loads(out)
    jsonschema.validate(data, MEASURE_SCHEMA)
    assert _tree(app) == files_before  # the user's files are untouched
    assert data["builder"] == "buildah" and data["changed"] is True and data["touched"] == "main.py"
    run_line = NAIVE.splitlines().index("RUN pip install -r requirements.txt") + 1
    location = f"{app / 'Dockerfile'}:{run_line}"
    assert {"instruction": "RUN pip install -r requirements.txt", "location": location,
            "size": run_line * 1000} in data["before"]["layer_sizes"]
    assert data["before"]["smoke"] == {"command": "python -V", "ok": True} == data["after"]["smoke"]
    pip_steps = [[(s["instruction"].split()[0], s["cached"]) for s in data[side]["rebuild_steps"]
                  if s["instruction"].startswith(("RUN pip", "COPY"))] for side in ("before", "after")]
    assert pip_steps == [[("COPY", False), ("RUN", False)], [("COPY", True), ("RUN", True), ("COPY", False)]]
    assert data["after"]["context_bytes"] < data["before"]["context_bytes"]  # SF001 ignored .git
    # two .git files and the Dockerfile left out, .dockerignore added
    assert data["after"]["context_files"] == data["before"]["context_files"] - 2 - 1 + 1
    calls = _calls(fake_buildah)
    builds = [c for c in calls if c[0] == "bud"]
    assert [("--no-cache" in c, "/after/" in c[c.index("-f") + 1]) for c in builds] == [
        (True, False), (False, False), (False, False),  # cold, cache warm-up, rebuild
        (True, True), (False, True), (False, True),
    ]
    tags = {c[c.index("-t") + 1] for c in builds}
    assert sorted(c[1] for c in calls if c[0] == "rmi") == sorted(tags)  # cleaned up
    assert [c[0] for c in calls if c[0] in ("from", "rm")] == ["from", "rm", "from", "rm"]
    assert "building the original (before) image, cold" in err


def test_rebuilds_reports_the_median_run(fake_buildah: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app = _app(tmp_path / "src", NAIVE)
    assert main([str(app), "--json", "--rebuilds", "3"]) == 0
    data = json.loads(capsys.readouterr().out)
    jsonschema.validate(data, MEASURE_SCHEMA)
    for side in ("before", "after"):
        runs = data[side]["rebuilds_s"]
        assert len(runs) == 3 and data[side]["rebuild_s"] == sorted(runs)[1]
    builds = [c for c in _calls(fake_buildah) if c[0] == "bud"]
    assert ["--no-cache" in c for c in builds] == [True, False, False, False, False] * 2  # cold, warm-up, 3 rebuilds
    assert main([str(app), "--rebuilds", "2"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("rebuild ("))
    assert row.startswith("rebuild (main.py changed, median of 2)")
    assert main([str(app), "--rebuilds", "0"]) == 2


def test_nothing_changed_builds_once(fake_buildah: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app = _app(tmp_path / "src", "FROM python:3.11-slim\nWORKDIR /app\nCOPY main.py .\nCMD [\"python\", \"main.py\"]\n")
    assert main([str(app / "Dockerfile")]) == 0
    out, _ = capsys.readouterr()
    assert "slimfix changed nothing" in out
    assert len([c for c in _calls(fake_buildah) if c[0] == "bud"]) == 3  # cold, cache warm-up, rebuild: one side


@pytest.mark.parametrize(("fail", "name"), [("before", "original (before)"), ("after-cold", "rewritten (after)"),
                                            ("after-rebuild", "rewritten (after)")])
def test_failed_build_exits_2_with_log_tail(
    fake_buildah: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    fail: str, name: str,
) -> None:
    monkeypatch.setenv("FAKE_FAIL", fail)
    app = _app(tmp_path / "src", NAIVE)
    assert main([str(app)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert f"the {name} image failed to build" in err
    assert "error: RUN pip install: exit status 1" in err
    assert ("slimfix's rewrite broke it" in err) == name.startswith("rewritten")
    built = {p.name for p in fake_buildah.iterdir() if p.name.startswith("localhost_")}
    removed = {c[1].replace("/", "_") for c in _calls(fake_buildah) if c[0] == "rmi"}
    assert removed == built  # the images built before the failure are removed
    assert len(built) == {"before": 0, "after-cold": 1, "after-rebuild": 2}[fail]


def test_smoke_regression_exits_1(fake_buildah: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_SMOKE_FAIL", "after")
    app = _app(tmp_path / "src", NAIVE)
    assert main([str(app), "--run", "python main.py"]) == 1
    out, _ = capsys.readouterr()
    row = next(line for line in out.splitlines() if line.startswith("smoke:"))
    assert row.split()[-2:] == ["ok", "FAILED"]
    assert "the smoke command failed in the rewritten (after) image" in out


def test_no_builder_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    app = _app(tmp_path, NAIVE)
    assert main([str(app)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("slimfix measure: no image builder to measure with: docker is not installed")
    assert "Install Docker" in err


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "missing")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    assert main([str(tmp_path)]) == 2
    assert "no Dockerfile there" in capsys.readouterr().err
    assert main(["--bogus"]) == 2


def test_top_level_cli_dispatches(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from slimfix.cli import main as slimfix_main

    assert slimfix_main(["measure", str(tmp_path / "missing")]) == 2
    assert "slimfix measure:" in capsys.readouterr().err


def test_progress_plain_lines() -> None:
    stream = io.StringIO()
    progress = Progress(stream, live=False)
    progress.start("building x")
    progress.output("STEP 1/2: FROM y")  # builder output is not copied into plain logs
    progress.start("reading x")
    progress.finish("ok")
    progress.finish()  # nothing running: no output
    lines = stream.getvalue().splitlines()
    assert [line.rsplit(" (", 1)[0] for line in lines] == [
        "slimfix measure: building x ...", "slimfix measure: building x: done",
        "slimfix measure: reading x ...", "slimfix measure: reading x: ok",
    ]


def test_progress_live_status_line() -> None:
    stream = io.StringIO()
    progress = Progress(stream, live=True)
    progress.start("building x")
    progress.output("STEP 2/5: RUN make")
    time.sleep(1.3)
    progress.finish()
    text = stream.getvalue()
    assert "\r\x1b[Kbuilding x 1s  STEP 2/5: RUN make" in text
    assert text.endswith("\r\x1b[Kslimfix measure: building x: done (" + text.rsplit("(", 1)[1])


def test_bad_dockerfile_exits_2_naming_the_line(fake_buildah: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    app = _app(tmp_path, "FROM python:3.11-slim\nFOO bar\n")
    assert main([str(app / "Dockerfile")]) == 2
    assert capsys.readouterr().err.strip() == f"slimfix measure: {app / 'Dockerfile'}:2:1: unknown instruction: FOO"
    assert not (fake_buildah / "calls.log").exists()  # nothing was built


@pytest.mark.parametrize("unsafe", [False, True])
def test_unsafe_fixes_reach_the_rewrite(fake_buildah: Path, tmp_path: Path, unsafe: bool) -> None:
    app = _app(tmp_path, NAIVE)
    assert main([str(app)] + (["--unsafe-fixes"] if unsafe else [])) == 0
    (built,) = [p for p in fake_buildah.iterdir() if p.name.endswith(":after")]
    assert ('CMD ["python", "main.py"]' in built.read_text()) == unsafe  # SF401 is an unsafe fix
    assert "CMD python main.py" in (app / "Dockerfile").read_text()


def _config_above(app: Path) -> Path:
    """A pyproject.toml in the folder above the context whose per-file override names the Dockerfile."""
    config = app.parent / "pyproject.toml"
    config.write_text('[tool.slimfix.per-file-overrides."app/Dockerfile"]\nunsafe-fixes = true\n')
    return config


def test_copy_side_mirrors_the_config_so_per_file_globs_still_match(tmp_path: Path) -> None:
    app = _app(tmp_path / "repo")
    config = _config_above(app)
    side = copy_side("after", app, app / "Dockerfile", tmp_path / "scratch", config)
    assert side.config is not None and side.config.read_text() == config.read_text()
    assert side.dockerfile.relative_to(side.config.parent) == Path("app/Dockerfile")
    assert load_settings(app / "Dockerfile", config).unsafe_fixes
    assert load_settings(side.dockerfile, side.config).unsafe_fixes


def test_per_file_overrides_reach_the_rewrite(fake_buildah: Path, tmp_path: Path) -> None:
    app = _app(tmp_path / "repo", NAIVE)
    _config_above(app)
    assert main([str(app)]) == 0  # no --unsafe-fixes: the config's override for app/Dockerfile turns them on
    (built,) = [p for p in fake_buildah.iterdir() if p.name.endswith(":after")]
    assert 'CMD ["python", "main.py"]' in built.read_text()  # SF401 is an unsafe fix
    assert "CMD python main.py" in (app / "Dockerfile").read_text()
