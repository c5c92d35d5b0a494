"""Diagnostics for people and machines: ``text``, ``json``, ``sarif`` and ``github``.

JSON shape (``--output-format json``), version 1::

    {"version": 1,
     "diagnostics": [
       {"path": "Dockerfile", "code": "SF101", "message": "...",
        "line": 3, "column": 1, "end_line": 5, "end_column": 17,    # 1-based, end inclusive
        "url": "https://...#sf101",
        "fix": null | {"safety": "safe" | "unsafe" | "display-only",
                       "title": "...", "applicable": true,          # applied under these settings
                       "edits": [{"start": 10, "end": 10, "content": "..."}]}}],  # offsets in the file's text
     "side_files": [                                                 # SF001's ignore-file changes
       {"path": ".dockerignore", "code": "SF001",
        "dockerfiles": ["Dockerfile"],                               # whose SF001 findings it answers
        "safety": "safe" | "unsafe",                                 # unsafe: needs --unsafe-fixes
        "edits": [{"start": 0, "end": 0, "content": "..."}],        # offsets in the ignore file's text
        "context_before": {"files": 13, "bytes": 6292906},           # what the builder is sent
        "context_after": {"files": 3, "bytes": 604}}],
     "errors": ["Dockerfile:4:1: ..."]}                               # files that could not be read

An SF001 finding's own ``fix`` stays null: its change is to another file, listed once in
``side_files`` however many Dockerfiles share it, so a consumer that applies each finding's
edits to the finding's ``path`` never writes ignore-file lines into a Dockerfile.

SARIF 2.1.0 (``--output-format sarif``) carries the rule metadata from the catalog and each fix
as ``fixes[].artifactChanges`` with character-offset regions (an SF001 result's names the
ignore file) and reports errors as the invocation's notifications; it validates against the
official schema (``tests/schemas``).  ``github`` prints workflow commands (``::warning
file=...``, and ``::error::`` for errors).

A machine-readable format owns stdout: no diff or fixed text is printed beside it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from slimfix import __version__
from slimfix.engine import Diagnostic, Safety

if TYPE_CHECKING:
    from slimfix.runner import Report
    from slimfix.side_files import SideReport

SAFETY_NAMES = {Safety.SAFE: "safe", Safety.UNSAFE: "unsafe", Safety.DISPLAY_ONLY: "display-only"}


def render(fmt: str, report: Report, options: Any) -> str:
    """The run's report: its findings, its ignore-file changes (``SideFiles.flush``) and errors."""
    unsafe = bool(getattr(options, "unsafe_fixes", False))
    if fmt == "json":
        return as_json(report, unsafe)
    if fmt == "sarif":
        return as_sarif(report, unsafe)
    if fmt == "github":
        return as_github(report)
    return as_text(report, unsafe)


def _side_of(name: str, d: Diagnostic, side: Sequence[SideReport]) -> SideReport | None:
    """The ignore-file change that answers SF001 finding ``d`` in ``name``, if the run has one."""
    if d.code != "SF001":
        return None
    return next((s for s in side if name in s.dockerfiles), None)


def as_text(report: Report, unsafe: bool) -> str:
    items, side = report.diagnostics, report.side
    lines = []
    fixable = 0
    for name, d in items:
        fixed = (d.fix is not None and d.fix.applies(unsafe)) or _side_of(name, d, side) is not None
        fixable += fixed
        lines.append(f"{name}:{d.line}:{d.column}: {d.code}{' [*]' if fixed else ''} {d.message}\n")
    if items:
        lines.append(f"Found {len(items)} finding(s); {fixable} fixable with --write ([*]).\n")
    return "".join(lines)


def _url(code: str) -> str:
    from slimfix.catalog import url

    return url(code)


def _diagnostic_dict(name: str, d: Diagnostic, unsafe: bool) -> dict[str, Any]:
    fix = None
    if d.fix is not None:
        fix = {
            "safety": SAFETY_NAMES[d.fix.safety],
            "title": d.fix.title,
            "applicable": d.fix.applies(unsafe),
            "edits": [{"start": e.start, "end": e.end, "content": e.text} for e in d.fix.edits],
        }
    return {
        "path": name,
        "code": d.code,
        "message": d.message,
        "line": d.line,
        "column": d.column,
        "end_line": d.end_line,
        "end_column": d.end_column,
        "url": _url(d.code),
        "fix": fix,
    }


def _side_dict(s: SideReport) -> dict[str, Any]:
    (files_before, bytes_before), (files_after, bytes_after) = s.change.size_before, s.change.size_after
    return {
        "path": s.path,
        "code": "SF001",
        "dockerfiles": list(s.dockerfiles),
        "safety": "unsafe" if s.change.unsafe else "safe",
        "edits": [{"start": s.edit.start, "end": s.edit.end, "content": s.edit.text}],
        "context_before": {"files": files_before, "bytes": bytes_before},
        "context_after": {"files": files_after, "bytes": bytes_after},
    }


def as_json(report: Report, unsafe: bool) -> str:
    doc = {
        "version": 1,
        "diagnostics": [_diagnostic_dict(n, d, unsafe) for n, d in report.diagnostics],
        "side_files": [_side_dict(s) for s in report.side],
        "errors": list(report.errors),
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _rules() -> list[dict[str, Any]]:
    from slimfix.catalog import load

    rules = []
    for code, e in sorted(load().items()):
        rules.append(
            {
                "id": code,
                "name": str(e["slug"]),
                "shortDescription": {"text": " ".join(str(e["summary"]).split())},
                "fullDescription": {"text": " ".join(str(e["why"]).split())},
                "helpUri": _url(code),
                "help": {"text": " ".join(str(e["safety_reason"]).split())},
                "properties": {"safety": str(e["safety"]), "effect": str(e["effect"])},
            }
        )
    return rules


def _sarif_fix(title: str, uri: str, edits: Iterable[Any]) -> dict[str, Any]:
    return {
        "description": {"text": title},
        "artifactChanges": [
            {
                "artifactLocation": {"uri": uri},
                "replacements": [
                    {
                        "deletedRegion": {"charOffset": e.start, "charLength": e.end - e.start},
                        "insertedContent": {"text": e.text},
                    }
                    for e in edits
                ],
            }
        ],
    }


def as_sarif(report: Report, unsafe: bool) -> str:
    items, side = report.diagnostics, report.side
    rules = _rules()
    index = {r["id"]: k for k, r in enumerate(rules)}
    results = []
    for name, d in items:
        uri = name.replace("\\", "/")
        result: dict[str, Any] = {
            "ruleId": d.code,
            "level": "warning",
            "message": {"text": d.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri},
                        "region": {
                            "startLine": d.line,
                            "startColumn": d.column,
                            "endLine": d.end_line,
                            "endColumn": d.end_column,
                        },
                    }
                }
            ],
        }
        if d.code in index:
            result["ruleIndex"] = index[d.code]
        changed = _side_of(name, d, side)
        if d.fix is not None and d.fix.safety != Safety.DISPLAY_ONLY:
            result["fixes"] = [_sarif_fix(d.fix.title, uri, d.fix.edits)]
        elif changed is not None:
            title = f"List what the build does not need in {changed.path}"
            result["fixes"] = [_sarif_fix(title, changed.path.replace("\\", "/"), (changed.edit,))]
        results.append(result)
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "slimfix",
                        "version": __version__,
                        "informationUri": "https://github.com/slimfix/slimfix",
                        "rules": rules,
                    }
                },
                "results": results,
                "invocations": [
                    {
                        "executionSuccessful": not report.errors,
                        "toolExecutionNotifications": [
                            {"level": "error", "message": {"text": e}} for e in report.errors
                        ],
                    }
                ],
            }
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_prop(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def as_github(report: Report) -> str:
    lines = []
    for name, d in report.diagnostics:
        props = ",".join(
            [
                f"file={_escape_prop(name)}",
                f"line={d.line}",
                f"col={d.column}",
                f"endLine={d.end_line}",
                f"endColumn={d.end_column}",
                f"title={_escape_prop(d.code)}",
            ]
        )
        lines.append(f"::warning {props}::{_escape_data(f'{d.code} {d.message}')}\n")
    lines.extend(f"::error::{_escape_data(e)}\n" for e in report.errors)  # each names its file and line
    return "".join(lines)
