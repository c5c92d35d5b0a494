"""Diagnostics for people and machines: ``text``, ``json``, ``sarif`` and ``github``.

JSON shape (``--output-format json``), version 1::

    {"version": 1,
     "diagnostics": [
       {"path": "Dockerfile", "code": "SF101", "message": "...",
        "line": 3, "column": 1, "end_line": 5, "end_column": 17,    # 1-based, end inclusive
        "url": "https://...#sf101",
        "fix": null | {"safety": "safe" | "unsafe" | "display-only",
                       "title": "...", "applicable": true,          # applied under these settings
                       "edits": [{"start": 10, "end": 10, "content": "..."}]}}]}   # offsets in the file's text

SARIF 2.1.0 (``--output-format sarif``) carries the rule metadata from the catalog and each fix
as ``fixes[].artifactChanges`` with character-offset regions; it validates against the official
schema (``tests/schemas``).  ``github`` prints workflow commands (``::warning file=...``).
"""

from __future__ import annotations

import json
from typing import Any, Iterable

from slimfix import __version__
from slimfix.engine import Diagnostic, Safety

SAFETY_NAMES = {Safety.SAFE: "safe", Safety.UNSAFE: "unsafe", Safety.DISPLAY_ONLY: "display-only"}


def render(fmt: str, diagnostics: Iterable[tuple[str, Diagnostic]], options: Any) -> str:
    items = list(diagnostics)
    unsafe = bool(getattr(options, "unsafe_fixes", False))
    if fmt == "json":
        return as_json(items, unsafe)
    if fmt == "sarif":
        return as_sarif(items, unsafe)
    if fmt == "github":
        return as_github(items)
    return as_text(items, unsafe)


def as_text(items: list[tuple[str, Diagnostic]], unsafe: bool) -> str:
    lines = []
    for name, d in items:
        mark = " [*]" if d.fix is not None and d.fix.applies(unsafe) else ""
        lines.append(f"{name}:{d.line}:{d.column}: {d.code}{mark} {d.message}\n")
    if items:
        fixable = sum(1 for _, d in items if d.fix is not None and d.fix.applies(unsafe))
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


def as_json(items: list[tuple[str, Diagnostic]], unsafe: bool) -> str:
    doc = {"version": 1, "diagnostics": [_diagnostic_dict(n, d, unsafe) for n, d in items]}
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


def as_sarif(items: list[tuple[str, Diagnostic]], unsafe: bool) -> str:
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
        if d.fix is not None and d.fix.safety != Safety.DISPLAY_ONLY:
            result["fixes"] = [
                {
                    "description": {"text": d.fix.title},
                    "artifactChanges": [
                        {
                            "artifactLocation": {"uri": uri},
                            "replacements": [
                                {
                                    "deletedRegion": {"charOffset": e.start, "charLength": e.end - e.start},
                                    "insertedContent": {"text": e.text},
                                }
                                for e in d.fix.edits
                            ],
                        }
                    ],
                }
            ]
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
            }
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_prop(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def as_github(items: list[tuple[str, Diagnostic]]) -> str:
    lines = []
    for name, d in items:
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
    return "".join(lines)
