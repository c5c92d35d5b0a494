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
