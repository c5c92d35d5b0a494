"""``slimfix measure`` on every other sample app: the rewrite builds, its smoke command
passes, the image is not larger and a rebuild after a source change is not slower; the app
that already follows best practice is left byte-identical."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from slimfix.measure.cli import main

from .sample_apps import prepare_app, smoke_command

pytestmark = pytest.mark.e2e

# Timings are wall clock on a shared 2-core machine: "not slower" allows this much noise.
NOISE_S = 5.0
NOISE_RATIO = 1.25
# Two builds of the same Dockerfile may differ by a few tar blocks (timestamps, build IDs): an
# unchanged app is only held to that.  A rewritten app must not be larger at all.
SIZE_NOISE = 16 * 1024


@pytest.mark.parametrize("name", ["flask_psycopg2", "poetry_app", "node_express", "go_service", "optimal"])
def test_measure_app(stand_in_bases: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    app = prepare_app(name, tmp_path)
    original = (app / "Dockerfile").read_bytes()
    smoke = smoke_command(name)
    code = main([str(app), "--builder", "buildah", "--json", "--run", smoke])
    out, err = capsys.readouterr()
    print(out, err)  # the figures, for the CI log
    assert code == 0, err
    data = json.loads(out)
    before, after = data["before"], data["after"]
    assert (app / "Dockerfile").read_bytes() == original  # measure never touches the app
    assert before["smoke"]["ok"] and after["smoke"]["ok"], err
    if data["changed"]:
        assert after["image_size"] <= before["image_size"]
    else:
        assert abs(after["image_size"] - before["image_size"]) <= SIZE_NOISE
    from slimfix.engine import Settings, fix_text

    rewritten = fix_text(original.decode(), Settings(context=app)).output
    # Debian's buildah 1.28 reads each COPY --from source again on every rebuild to check its
    # cache, which BuildKit does not; the rebuild's step times show that check, so it is left
    # out of the comparison (the whole rebuild is printed above).
    recheck = sum(step["seconds"] for step in after["rebuild_steps"]
                  if step["cached"] and step["instruction"].startswith("COPY --from"))
    assert after["rebuild_s"] - recheck <= before["rebuild_s"] * NOISE_RATIO + NOISE_S
    if name == "optimal":
        assert data["changed"] is False
        assert rewritten == original.decode()
