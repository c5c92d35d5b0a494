"""The transform catalog, ``transforms/catalog.yaml``: what each code does and why.

Read with ruamel.yaml only when a command needs the text (``rules``, ``explain``, SARIF
rule metadata, the language server's links), never on the formatting path.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

PACKAGED = Path(__file__).with_name("catalog.yaml")
SOURCE = Path(__file__).resolve().parents[2] / "transforms" / "catalog.yaml"
DOCS_URL = "https://github.com/slimfix/slimfix/blob/main/transforms/catalog.yaml#{code}"


def catalog_path() -> Path:
    return PACKAGED if PACKAGED.exists() else SOURCE


@lru_cache(maxsize=1)
def load() -> dict[str, dict[str, Any]]:
    from ruamel.yaml import YAML

    data = YAML(typ="rt").load(catalog_path().read_text(encoding="utf-8"))
    return {str(code): dict(entry) for code, entry in (data or {}).items()}


def entry(code: str) -> dict[str, Any]:
    return load()[code.upper()]


def url(code: str) -> str:
    return DOCS_URL.format(code=code.lower())


def rules_table() -> str:
    rows = [("CODE", "SLUG", "SAFETY", "SUMMARY")]
    for code, e in sorted(load().items()):
        rows.append((code, str(e["slug"]), str(e["safety"]), " ".join(str(e["summary"]).split())))
    widths = [max(len(r[k]) for r in rows) for k in range(3)]
    return "\n".join(
        f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]}" for r in rows
    )


def explain(code: str) -> str:
    e = entry(code)
    parts = [
        f"{code.upper()} {e['slug']}",
        "",
        " ".join(str(e["summary"]).split()),
        "",
        "Why it matters: " + " ".join(str(e["why"]).split()),
        f"Fix safety: {e['safety']}. " + " ".join(str(e["safety_reason"]).split()),
    ]
    example = e.get("example") or {}
    if example.get("before"):
        parts += ["", "Before:", _indent(str(example["before"]))]
    if example.get("after"):
        parts += ["After:", _indent(str(example["after"]))]
    return "\n".join(parts)


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.rstrip("\n").split("\n"))
