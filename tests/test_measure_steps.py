"""Reading a rebuild's steps (reused or run again, and their times) from builder logs.

The logs are written by hand in the layouts buildah 1.28, podman 4 and BuildKit's plain
progress print; each line is stamped with the second it arrived.
"""

from __future__ import annotations

import pytest

from slimfix.measure.steps import Step, StepClock, read_steps


def _stamped(text: str) -> list[tuple[float, str]]:
    """``"12.5 line"`` rows: the time, one space, the line as the builder printed it."""
    rows = []
    for row in text.strip("\n").splitlines():
        at, _, line = row.partition(" ")
        rows.append((float(at), line))
    return rows


BUILDAH = _stamped("""
0.00 [1/2] STEP 1/5: FROM python:3.8.0-slim AS builder
0.07 [1/2] STEP 2/5: COPY requirements.txt /app/
0.15 --> Using cache 0a5e5014c1907d912d335939e64ef4885e251f3f5ba089ef8a2de710c9198565
0.15 --> 0a5e5014c19
0.22 [1/2] STEP 3/5: RUN pip install --no-cache-dir --user -r requirements.txt
0.23 --> Using cache 45606d98b3d1c071e4e639972e34eee53b0fd0828b595e7009ff312323921ede
0.30 [2/2] STEP 1/4: FROM python:3.8.0-slim AS app
0.36 [2/2] STEP 2/4: COPY --from=builder /root/.local /root/.local
2.55 --> Using cache 24bcc7870a980d8b7b87e7bb894f87a2626315fb48faae2ba47a32a0ddd3b480
2.56 --> 24bcc7870a9
2.65 [2/2] STEP 3/4: COPY . /app
3.05 --> 1f85abf982c
3.06 [2/2] STEP 4/4: ENTRYPOINT ["uvicorn", "main:app"]
3.08 [2/2] COMMIT localhost/app
3.25 --> df10d96fa1f
3.26 Successfully tagged localhost/app:latest
""")


def test_buildah_steps_and_their_times() -> None:
    steps = read_steps(BUILDAH, 3.6)
    assert [(s.instruction, s.cached) for s in steps] == [
        ("COPY requirements.txt /app/", True),
        ("RUN pip install --no-cache-dir --user -r requirements.txt", True),
        ("COPY --from=builder /root/.local /root/.local", True),
        ("COPY . /app", False),
        ('ENTRYPOINT ["uvicorn", "main:app"]', False),
    ]
    # a step lasts until the next step opens, or the COMMIT line ends the stage
    assert [round(s.seconds, 2) for s in steps] == [0.15, 0.08, 2.29, 0.41, 0.02]


def test_podman_single_stage_and_a_step_open_at_the_end() -> None:
    log = _stamped("""
0.0 STEP 1/3: FROM python:3.11-slim
0.1 STEP 2/3: COPY . /app
0.3 STEP 3/3: RUN pip install -r requirements.txt
0.4 Collecting flask
""")
    # no COMMIT line (the log was cut short): the last step runs to the command's end
    assert read_steps(log, 9.4) == (Step("COPY . /app", False, pytest.approx(0.2)),
                                    Step("RUN pip install -r requirements.txt", False, pytest.approx(9.1)))


BUILDKIT = _stamped("""
0.0 #0 building with "default" instance using docker driver
0.0 #1 [internal] load build definition from Dockerfile
0.0 #1 transferring dockerfile: 312B done
0.0 #1 DONE 0.0s
0.1 #2 [internal] load metadata for docker.io/library/python:3.11-slim
0.7 #2 DONE 0.6s
0.7 #3 [builder 1/3] FROM docker.io/library/python:3.11-slim@sha256:0123abcd
0.7 #3 DONE 0.0s
0.7 #4 [builder 2/3] COPY requirements.txt .
0.7 #4 CACHED
0.7 #5 [builder 3/3] RUN pip install --user -r requirements.txt
0.8 #6 [app 3/3] COPY . /app
0.8 #5 1.234 Collecting fastapi
0.9 #6 DONE 0.1s
19.9 #5 [builder 3/3] RUN pip install --user -r requirements.txt
20.0 #5 19.02 [notice] A new release of pip is available
20.0 #5 DONE 19.2s
20.1 #7 [app 2/3] COPY --from=builder /root/.local /root/.local
20.9 #7 DONE 0.8s
21.0 #8 exporting to image
21.2 #8 DONE 0.2s
""")


def test_buildkit_plain_progress() -> None:
    # steps in the order they opened, each once; times from DONE; internal and FROM steps left out
    assert read_steps(BUILDKIT, 21.3) == (
        Step("COPY requirements.txt .", True, 0.0),
        Step("RUN pip install --user -r requirements.txt", False, 19.2),
        Step("COPY . /app", False, 0.1),
        Step("COPY --from=builder /root/.local /root/.local", False, 0.8),
    )


def test_unreadable_log_gives_no_steps() -> None:
    assert read_steps(_stamped("0.0 Sending build context\n1.0 done"), 1.0) == ()
    assert read_steps([], 0.0) == ()


def test_step_clock_stamps_lines_and_passes_them_on() -> None:
    ticks = iter([100.0, 100.5, 103.0, 103.25])
    seen: list[str] = []
    clock = StepClock(seen.append, clock=lambda: next(ticks))
    for line in ("STEP 1/3: FROM x", "STEP 2/3: RUN make", "STEP 3/3: CMD [\"app\"]"):
        clock(line)
    assert seen == ["STEP 1/3: FROM x", "STEP 2/3: RUN make", "STEP 3/3: CMD [\"app\"]"]
    assert clock.lines[1] == (3.0, "STEP 2/3: RUN make")
    assert clock.steps(3.5) == (Step("RUN make", False, 0.25), Step('CMD ["app"]', False, 0.25))
