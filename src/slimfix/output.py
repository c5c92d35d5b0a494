"""Diagnostics for people and machines: text, json, sarif, github."""

from __future__ import annotations


def render(fmt, diagnostics, options) -> str:
    lines = []
    for name, d in diagnostics:
        lines.append(f"{name}:{d.line}:{d.column}: {d.code} {d.message}\n")
    return "".join(lines)
