"""``slimfix measure`` with real buildah builds of the cluttered fastapi_pandas sample app.

One run builds four images (before and after, each cold and after a one-line change to
main.py); it downloads fastapi, uvicorn and pandas from PyPI three times (the rewritten
rebuild reuses its cached install layer), so it is the slowest test of the e2e suite.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from slimfix.measure.cli import main

from .buildah_cli import build, image_size
from .sample_apps import prepare_app, smoke_command

pytestmark = pytest.mark.e2e


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def test_measure_fastapi_pandas(
    stand_in_bases: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = prepare_app("fastapi_pandas", tmp_path)
    files = _tree(app)
    smoke = smoke_command("fastapi_pandas")

    code = main(
        [str(app), "--builder", "buildah", "--json", "--layers", "--run", smoke]
    )
    out, err = capsys.readouterr()
    print(
        out, err
    )  # the measured figures, for the CI log (shown with -s or on failure)

    assert code == 0, err
    data = json.loads(out)
    before, after = data["before"], data["after"]
    assert data["changed"] and data["touched"] == "main.py"
    assert _tree(app) == files  # the measured app is untouched
    assert before["smoke"]["ok"] and after["smoke"]["ok"], err
    assert after["image_size"] <= before["image_size"]
    assert (
        after["context_bytes"] < before["context_bytes"] - 2_000_000
    )  # .venv and .git left out
    # The original's COPY . comes first, so a source change reinstalls everything; the rewrite
    # only copies the source again (and, under buildah 1.28, the COPY --from layer).
    assert after["rebuild_s"] < before["rebuild_s"]
    pip = next(
        row
        for row in before["layer_sizes"]
        if row["instruction"].startswith("RUN pip install")
    )
    assert pip["location"] == f"{app / 'Dockerfile'}:7" and pip["size"] > 50_000_000
    assert any(
        row["instruction"].startswith("COPY --from=builder")
        for row in after["layer_sizes"]
    )
    assert sum(row["size"] for row in before["layer_sizes"]) == before["image_size"]
    assert any("COPY --from" in note for note in data["notes"])
    # issue 5's acceptance: no larger than the tutorial's hand-written two-stage version, and a
    # rebuild after editing main.py that reuses the dependency layers, at least 5x faster (below)
    hand = prepare_app("fastapi_pandas", tmp_path / "hand", hand_optimised=True)
    build(hand, "localhost/slimfix-e2e-hand:latest", "hand_optimised.Dockerfile")
    hand_size = image_size("localhost/slimfix-e2e-hand:latest")
    print(f"fastapi_pandas: hand-optimised {hand_size} bytes, rewrite {after['image_size']} bytes")
    assert after["image_size"] <= hand_size
    # "reuses the dependency layers", read from the rebuilds' logs: the original installs again,
    # the rewrite takes the install (and its COPY --from) from the layer cache
    reran = {side: {s["instruction"].split()[0] + " " + s["instruction"].split()[1]: s["cached"]
                    for s in data[side]["rebuild_steps"]} for side in ("before", "after")}
    assert reran["before"]["RUN pip"] is False and reran["before"]["COPY ."] is False
    assert reran["after"]["RUN pip"] is True and reran["after"]["COPY --from=builder"] is True
    assert reran["after"]["COPY ."] is False
    # "at least 5x faster": buildah 1.28 re-reads the whole COPY --from source (about 300 MB
    # here) to check its cache on every rebuild, which BuildKit does not; that check is timed
    # per step, so it is left out of the 5x, and the whole rebuild must still be 3x faster
    recheck = sum(s["seconds"] for s in after["rebuild_steps"]
                  if s["cached"] and s["instruction"].startswith("COPY --from"))
    print(f"fastapi_pandas: rebuild {before['rebuild_s']} s -> {after['rebuild_s']} s, "
          f"of which {recheck:.2f} s buildah's COPY --from cache check")
    assert 0 < recheck < after["rebuild_s"]
    assert (after["rebuild_s"] - recheck) * 5 <= before["rebuild_s"]
    assert after["rebuild_s"] * 3 <= before["rebuild_s"]
