"""`slimfix rules` and `slimfix explain` print the catalog."""

from __future__ import annotations

from slimfix import catalog
from test_cli import slimfix


def test_rules_lists_every_code() -> None:
    r = slimfix("rules")
    assert r.returncode == 0
    lines = r.stdout.decode().splitlines()
    assert lines[0].split() == ["CODE", "SLUG", "SAFETY", "SUMMARY"]
    codes = [line.split()[0] for line in lines[1:]]
    assert codes == sorted(catalog.load())
    for line in lines[1:]:
        code, slug, safety = line.split()[:3]
        assert (slug, safety) == (catalog.entry(code)["slug"], catalog.entry(code)["safety"])


def test_explain_shows_the_entry_and_example() -> None:
    r = slimfix("explain", "sf403")
    assert r.returncode == 0
    out = r.stdout.decode()
    entry = catalog.entry("SF403")
    assert out.startswith(f"SF403 {entry['slug']}\n")
    assert "Why it matters:" in out and "Fix safety:" in out
    assert "Before:" in out and "After:" in out
    first_before_line = str(entry["example"]["before"]).splitlines()[0]
    assert f"    {first_before_line}" in out


def test_explain_unknown_code() -> None:
    r = slimfix("explain", "SF999")
    assert r.returncode == 2 and b"no transform 'SF999'" in r.stderr
