"""Machine-readable output: JSON has its documented shape, SARIF validates against the
official 2.1.0 schema, github prints workflow commands."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from test_cli import NAIVE, slimfix, write

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "sarif-2.1.0-rtm.5.json").read_text())
TEXT = "FROM python:3.11-slim\nWORKDIR app\nRUN pip install flask\nCMD flask run --host 0.0.0.0\n"


def run(tmp_path: Path, fmt: str, *extra: str) -> tuple[int, str, str]:
    f = write(tmp_path / "Dockerfile", TEXT)
    r = slimfix("--check", "--output-format", fmt, str(f), *extra)
    return r.returncode, r.stdout.decode(), str(f)


def test_json_shape(tmp_path: Path) -> None:
    code, out, name = run(tmp_path, "json")
    assert code == 1
    doc = json.loads(out)
    assert doc["version"] == 1
    diags = doc["diagnostics"]
    assert {d["code"] for d in diags} >= {"SF403", "SF102"}
    keys = {"path", "code", "message", "line", "column", "end_line", "end_column", "url", "fix"}
    for d in diags:
        assert set(d) == keys and d["path"] == name
        assert 1 <= d["line"] <= d["end_line"] and d["column"] >= 1
        if d["fix"] is not None:
            assert set(d["fix"]) == {"safety", "title", "applicable", "edits"}
            assert d["fix"]["safety"] in ("safe", "unsafe", "display-only")
            for e in d["fix"]["edits"]:
                assert set(e) == {"start", "end", "content"} and 0 <= e["start"] <= e["end"] <= len(TEXT)
    workdir = next(d for d in diags if d["code"] == "SF403")
    assert (workdir["line"], workdir["column"]) == (2, 9)
    (edit,) = workdir["fix"]["edits"]
    assert TEXT[edit["start"] : edit["end"]] == "app" and edit["content"] == "/app"


def test_json_edits_reproduce_the_fix(tmp_path: Path) -> None:
    _, out, _ = run(tmp_path, "json", "--select", "SF403")
    (d,) = json.loads(out)["diagnostics"]
    text = TEXT
    for e in sorted(d["fix"]["edits"], key=lambda e: e["start"], reverse=True):
        text = text[: e["start"]] + e["content"] + text[e["end"] :]
    assert text == TEXT.replace("WORKDIR app", "WORKDIR /app")


def test_sarif_validates_against_the_official_schema(tmp_path: Path) -> None:
    code, out, name = run(tmp_path, "sarif", "--unsafe-fixes")
    assert code == 1
    doc = json.loads(out)
    jsonschema.validate(doc, SCHEMA)
    run_ = doc["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert "SF403" in ids and all(r["shortDescription"]["text"] for r in rules)
    results = run_["results"]
    assert results and all(ids[r["ruleIndex"]] == r["ruleId"] for r in results)
    fixed = [r for r in results if r.get("fixes")]
    assert fixed, "fixable findings carry SARIF fix objects"
    region = fixed[0]["fixes"][0]["artifactChanges"][0]["replacements"][0]["deletedRegion"]
    assert {"charOffset", "charLength"} <= set(region)


def test_sarif_of_a_clean_file_is_valid_and_empty(tmp_path: Path) -> None:
    f = write(tmp_path / "Dockerfile", "FROM scratch\n")
    r = slimfix("--check", "--output-format", "sarif", str(f))
    doc = json.loads(r.stdout)
    jsonschema.validate(doc, SCHEMA)
    assert r.returncode == 0 and doc["runs"][0]["results"] == []


def test_sarif_schema_rejects_a_broken_document() -> None:
    import pytest

    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"version": "2.1.0", "runs": [{"results": []}]}, SCHEMA)


def test_github_annotations(tmp_path: Path) -> None:
    code, out, name = run(tmp_path, "github", "--select", "SF403")
    assert code == 1
    assert out == (
        f"::warning file={name},line=2,col=9,endLine=2,endColumn=12,title=SF403::SF403 "
        + out.split("::SF403 ", 1)[1]
    )
    assert out.count("\n") == 1 and "%0A" not in out


def test_text_check_output(tmp_path: Path) -> None:
    f = write(tmp_path / "Dockerfile", NAIVE)
    r = slimfix("--check", str(f), "--select", "SF403")
    lines = r.stdout.decode().splitlines()
    assert lines[0].startswith(f"{f}:2:9: SF403 [*] ")
    assert lines[-1] == "Found 1 finding(s); 1 fixable with --write ([*])."


# --- SF001's ignore-file change, errors, and stdout owned by the machine formats -------------


def _context(tmp_path: Path) -> Path:
    """A build context SF001 reports on: version-control data and an existing ignore file."""
    write(tmp_path / "Dockerfile", "FROM python:3.11-slim\nWORKDIR /app\nCOPY . /app\nCMD [\"python\", \"main.py\"]\n")
    write(tmp_path / "main.py", "print('hi')\n")
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".git" / "HEAD", "ref: refs/heads/main\n")
    write(tmp_path / ".dockerignore", "# ours\n*.log\n")
    return tmp_path / "Dockerfile"


def _applied(text: str, edits: list[dict]) -> str:
    for e in sorted(edits, key=lambda e: e["start"], reverse=True):
        text = text[: e["start"]] + e["content"] + text[e["end"] :]
    return text


def test_json_side_files_reproduce_the_written_ignore_file(tmp_path: Path) -> None:
    f = _context(tmp_path)
    ignore = tmp_path / ".dockerignore"
    old = ignore.read_text()
    r = slimfix("--check", "--output-format", "json", str(f))
    assert r.returncode == 1
    doc = json.loads(r.stdout)
    (side,) = doc["side_files"]
    assert side["path"] == str(ignore) and side["dockerfiles"] == [str(f)]
    assert side["code"] == "SF001" and side["safety"] == "safe"
    assert side["context_after"]["files"] < side["context_before"]["files"]
    (sf001,) = [d for d in doc["diagnostics"] if d["code"] == "SF001"]
    assert sf001["fix"] is None  # the change is to another file: only side_files carries it
    assert ignore.read_text() == old  # --check wrote nothing
    expected = _applied(old, side["edits"])
    assert expected.startswith(old) and ".git\n" in expected
    w = slimfix("--write", "--output-format", "json", str(f))
    assert w.returncode == 0, w.stderr
    assert ignore.read_text() == expected
    assert json.loads(w.stdout)["side_files"][0]["edits"] == side["edits"]


def test_sarif_fix_of_sf001_edits_the_ignore_file(tmp_path: Path) -> None:
    f = _context(tmp_path)
    ignore = tmp_path / ".dockerignore"
    old = ignore.read_text()
    doc = json.loads(slimfix("--check", "--output-format", "sarif", str(f)).stdout)
    jsonschema.validate(doc, SCHEMA)
    (result,) = [r for r in doc["runs"][0]["results"] if r["ruleId"] == "SF001"]
    (change,) = result["fixes"][0]["artifactChanges"]
    assert change["artifactLocation"]["uri"] == str(ignore)
    text = old
    for rep in change["replacements"]:
        start, length = rep["deletedRegion"]["charOffset"], rep["deletedRegion"]["charLength"]
        text = text[:start] + rep["insertedContent"]["text"] + text[start + length :]
    slimfix("--write", str(f))
    assert ignore.read_text() == text != old
    assert doc["runs"][0]["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": []}]


def test_text_check_counts_sf001_as_fixable_when_the_ignore_file_would_change(tmp_path: Path) -> None:
    f = _context(tmp_path)
    lines = slimfix("--check", str(f), "--select", "SF001").stdout.decode().splitlines()
    assert lines[0].startswith(f"{f}:3:1: SF001 [*] ")
    assert lines[-1] == "Found 1 finding(s); 1 fixable with --write ([*])."


def test_errors_reach_every_machine_format(tmp_path: Path) -> None:
    bad = write(tmp_path / "Dockerfile", b"FROM scratch\nRUN echo \xff\n")
    for fmt in ("json", "sarif", "github"):
        r = slimfix("--check", "--output-format", fmt, str(bad))
        assert r.returncode == 2
        out = r.stdout.decode()
        if fmt == "json":
            (error,) = json.loads(out)["errors"]
        elif fmt == "sarif":
            doc = json.loads(out)
            jsonschema.validate(doc, SCHEMA)
            (invocation,) = doc["runs"][0]["invocations"]
            assert invocation["executionSuccessful"] is False
            (note,) = invocation["toolExecutionNotifications"]
            assert note["level"] == "error"
            error = note["message"]["text"]
        else:
            assert out.startswith("::error::") and out.count("\n") == 1
            error = out[len("::error::") :].strip()
        assert error.startswith(f"{bad}:2:") and "UTF-8" in error
        assert bad.read_bytes() == b"FROM scratch\nRUN echo \xff\n"


def test_machine_formats_own_stdout(tmp_path: Path) -> None:
    f = _context(tmp_path)
    ignore = tmp_path / ".dockerignore"
    old = ignore.read_text()
    # the default mode shows diffs in text; with json, only the document is printed
    r = slimfix("--output-format", "json", str(f), "--select", "SF001,SF403")
    doc = json.loads(r.stdout)
    assert r.returncode == 1 and doc["side_files"] and ignore.read_text() == old
    # stdin: no fixed text beside the document, and no echoed input on an error
    r = slimfix("-", "--output-format", "json", stdin=NAIVE.encode())
    assert [d["code"] for d in json.loads(r.stdout)["diagnostics"]] == ["SF403"]
    r = slimfix("-", "--output-format", "json", stdin=b"FROM scratch\n\xff\n")
    doc = json.loads(r.stdout)
    assert r.returncode == 2 and doc["diagnostics"] == [] and doc["errors"][0].startswith("-:2:")


def test_side_file_safety_follows_its_lines(tmp_path: Path) -> None:
    f = _context(tmp_path)
    write(tmp_path / ".env", "SECRET=1\n")  # left out only under --unsafe-fixes
    safe, unsafe = (
        json.loads(slimfix("--check", "--output-format", "json", str(f), *extra).stdout)["side_files"]
        for extra in ((), ("--unsafe-fixes",))
    )
    assert safe[0]["safety"] == "safe" and ".env" not in safe[0]["edits"][0]["content"]
    assert unsafe[0]["safety"] == "unsafe" and ".env\n" in unsafe[0]["edits"][0]["content"]
