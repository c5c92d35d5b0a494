"""The language server, end to end with a real client over stdio (pytest-lsp), and its
pieces as plain functions."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from slimfix.lsp import format_text, minimal_edit, position

NAIVE = "FROM python:3.11-slim\nWORKDIR app\nRUN pip install flask\n"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "slimfix", "lsp"]))
async def client(lsp_client: LanguageClient, tmp_path_factory):
    root = tmp_path_factory.mktemp("ws")
    await lsp_client.initialize_session(
        types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri=root.as_uri())
    )
    lsp_client.root = root
    yield
    await lsp_client.shutdown_session()


async def open_doc(client: LanguageClient, text: str, name: str = "Dockerfile") -> str:
    uri = (client.root / name).as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="dockerfile", version=1, text=text)
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return uri


async def quick_fix_actions(client: LanguageClient, uri: str, diag: types.Diagnostic) -> list[types.CodeAction]:
    return await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diag.range,
            context=types.CodeActionContext(diagnostics=[diag], only=[types.CodeActionKind.QuickFix]),
        )
    )


def apply(text: str, edits: list[types.TextEdit]) -> str:
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)

    def off(p: types.Position) -> int:
        line = lines[p.line] if p.line < len(lines) else ""
        return offsets[p.line] + len(line.encode("utf-16-le")[: p.character * 2].decode("utf-16-le"))

    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: off(e.range.start)] + e.new_text + text[off(e.range.end) :]
    return text


def stdin_mode(text: str, root: Path) -> str:
    r = subprocess.run(
        [sys.executable, "-m", "slimfix", "-", "--stdin-filename", str(root / "Dockerfile")],
        input=text.encode(),
        capture_output=True,
        check=True,
    )
    return r.stdout.decode()


@pytest.mark.asyncio
async def test_diagnostics_actions_and_formatting(client: LanguageClient) -> None:
    uri = await open_doc(client, NAIVE)
    diags = client.diagnostics[uri]
    codes = {d.code for d in diags}
    assert {"SF403", "SF102"} <= codes
    workdir = next(d for d in diags if d.code == "SF403")
    assert (workdir.range.start.line, workdir.range.start.character) == (1, 8)
    assert workdir.code_description.href.endswith("#sf403")

    (action,) = await quick_fix_actions(client, uri, workdir)
    assert action.kind == types.CodeActionKind.QuickFix
    fixed_one = apply(NAIVE, action.edit.changes[uri])
    assert fixed_one == NAIVE.replace("WORKDIR app", "WORKDIR /app")

    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            options=types.FormattingOptions(tab_size=4, insert_spaces=True),
        )
    )
    assert len(edits) == 1  # one minimal edit
    assert apply(NAIVE, edits) == stdin_mode(NAIVE, client.root)

    fix_all = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
            context=types.CodeActionContext(diagnostics=[], only=["source.fixAll.slimfix"]),
        )
    )
    assert [a.kind for a in fix_all] == ["source.fixAll.slimfix"]
    assert apply(NAIVE, fix_all[0].edit.changes[uri]) == stdin_mode(NAIVE, client.root)


@pytest.mark.asyncio
async def test_unparsable_document_gets_no_edit(client: LanguageClient) -> None:
    broken = "FROM python:3.11-slim\nWORKDIR app\nRU\n"
    uri = await open_doc(client, broken, "broken.Dockerfile")
    (diag,) = client.diagnostics[uri]
    assert diag.severity == types.DiagnosticSeverity.Error and "unknown instruction" in diag.message
    assert diag.range.start.line == 2
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            options=types.FormattingOptions(tab_size=4, insert_spaces=True),
        )
    )
    assert not edits


@pytest.mark.asyncio
async def test_change_republishes(client: LanguageClient) -> None:
    uri = await open_doc(client, "FROM python:3.11-slim\nWORKDIR /app\n", "c.Dockerfile")
    assert not client.diagnostics[uri]
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=NAIVE)],
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert "SF403" in {d.code for d in client.diagnostics[uri]}


def test_positions_are_utf16() -> None:
    text = "LABEL a=\U0001f600 b\nRUN x\n"
    assert position(text, text.index("b")) == types.Position(line=0, character=11)
    assert position(text, text.index("RUN")) == types.Position(line=1, character=0)


def test_minimal_edit_covers_only_changed_lines() -> None:
    old = "a\nb\nc\nd\n"
    (edit,) = minimal_edit(old, "a\nB\nc\nd\n")
    assert (edit.range.start.line, edit.range.end.line, edit.new_text) == (1, 2, "B\n")
    assert minimal_edit(old, old) == []
    assert apply(old, minimal_edit(old, "x\n")) == "x\n"
    assert apply(old, minimal_edit(old, old + "e")) == old + "e"


def test_format_never_half_formats(tmp_path: Path) -> None:
    uri = (tmp_path / "Dockerfile").as_uri()
    assert format_text("FROM a\nRUN <<EOF\nno end\n", uri) == []
    assert apply(NAIVE, format_text(NAIVE, uri)) == stdin_mode(NAIVE, tmp_path)


def _with_suppressions(text: str) -> str:
    """``text`` with a suppression comment for SF001 above its first COPY (an unused one where
    SF001 does not report there) and a blanket one above its first RUN."""
    out = []
    for line in text.splitlines(keepends=True):
        if line.startswith("COPY ") and "SF001" not in "".join(out):
            out.append("# slimfix: ignore SF001\n")
        elif line.startswith("RUN ") and "ignore\n" not in "".join(out):
            out.append("# slimfix: ignore\n")
        out.append(line)
    return "".join(out)


def test_formatting_skips_only_rules_without_dockerfile_fixes(tmp_path: Path) -> None:
    """format_text leaves out NO_DOCKERFILE_FIX (SF001 reads the whole context on every save):
    every golden input, in its context, and generated files beside a context SF001 reports on,
    with and without suppression comments, format exactly as the full rule set fixes them; and
    those rules' findings carry no fix."""
    from golden import cases, materialise
    from test_check_windows import _generated

    from slimfix.engine import Settings, check_text, fix_text
    from slimfix.errors import SlimfixError
    from slimfix.lsp import NO_DOCKERFILE_FIX

    litter = tmp_path / "litter"
    for rel in (".git/HEAD", "node_modules/x/index.js", ".venv/pyvenv.cfg", "app/__pycache__/m.pyc", "app/main.py"):
        (litter / rel).parent.mkdir(parents=True, exist_ok=True)
        (litter / rel).write_text("x\n")
    inputs = [(case.source(), materialise(case.context, tmp_path / f"g{k}") if case.context else litter)
              for k, case in enumerate(cases())]
    inputs += [(text, litter) for text in _generated(60)]
    inputs += [(_with_suppressions(text), root) for text, root in list(inputs)]
    seen: set[str] = set()
    changed = 0
    for text, root in inputs:
        settings = Settings(context=root)
        try:
            expected = fix_text(text, settings, root / "Dockerfile").output
            found = check_text(text, settings, root / "Dockerfile")
        except SlimfixError:
            assert format_text(text, (root / "Dockerfile").as_uri()) == []
            continue
        assert apply(text, format_text(text, (root / "Dockerfile").as_uri())) == expected
        mine = [d for d in found if d.code in NO_DOCKERFILE_FIX]
        assert all(d.fix is None for d in mine)
        seen.update(d.code for d in mine)
        changed += expected != text
    assert seen == NO_DOCKERFILE_FIX and changed > 50  # the inputs trigger the skipped rules, and fixes


# --- SF001's quick fix: the .dockerignore -------------------------------------------------------

CONTEXT_APP = "FROM python:3.11-slim\nWORKDIR /app\nCOPY . /app\nCMD [\"python\", \"main.py\"]\n"


def _context(root: Path, ignore: str | None) -> Path:
    (root / "main.py").write_text("print('hi')\n")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    if ignore is not None:
        (root / ".dockerignore").write_text(ignore)
    dockerfile = root / "Dockerfile"
    dockerfile.write_text("FROM scratch\n")  # on disk: the editor's unsaved text differs
    return dockerfile


def _written_by_cli(root: Path, text: str, tmp_path: Path) -> str:
    """The .dockerignore ``slimfix --write`` makes once the editor's text is saved (in a copy)."""
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    (copy / "Dockerfile").write_text(text)
    subprocess.run([sys.executable, "-m", "slimfix", "--write", str(copy / "Dockerfile")], check=True,
                   capture_output=True)
    return (copy / ".dockerignore").read_text()


@pytest.mark.parametrize("ignore", [None, "# ours\n*.log\n"])
def test_sf001_quick_fix_edits_or_creates_the_ignore_file(tmp_path: Path, ignore: str | None) -> None:
    from slimfix.lsp import diagnose, quick_fixes

    root = tmp_path / "app"
    root.mkdir()
    dockerfile = _context(root, ignore)
    uri = dockerfile.as_uri()
    (sf001,) = [d for d in diagnose(CONTEXT_APP, uri) if d.code == "SF001"]
    (action,) = quick_fixes(CONTEXT_APP, uri, [sf001])
    assert action.title.startswith("slimfix: list them in .dockerignore, context ") and action.is_preferred
    target = (root / ".dockerignore").as_uri()
    if ignore is None:
        create, edit = action.edit.document_changes
        assert create.kind == "create" and create.uri == target and not create.options.overwrite
        assert edit.text_document.uri == target
        made = apply("", edit.edits)
    else:
        assert list(action.edit.changes) == [target]
        made = apply(ignore, action.edit.changes[target])
    assert made == _written_by_cli(root, CONTEXT_APP, tmp_path) and ".git\n" in made
    assert dockerfile.read_text() == "FROM scratch\n"  # a code action writes nothing itself


def test_sf001_quick_fix_keeps_what_another_dockerfile_copies(tmp_path: Path) -> None:
    from slimfix.lsp import diagnose, quick_fixes

    root = tmp_path / "app"
    root.mkdir()
    dockerfile = _context(root, None)
    (root / ".venv").mkdir()
    (root / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (root / "dev.Dockerfile").write_text("FROM alpine:3.20\nCOPY .git /src/.git\n")
    uri = dockerfile.as_uri()
    (sf001,) = [d for d in diagnose(CONTEXT_APP, uri) if d.code == "SF001"]
    assert ".git" in sf001.message  # the diagnostic reads this Dockerfile alone
    (action,) = quick_fixes(CONTEXT_APP, uri, [sf001])
    made = apply("", action.edit.document_changes[1].edits)
    assert ".venv\n" in made and ".git\n" not in made  # dev.Dockerfile copies .git
    assert made == _written_by_cli(root, CONTEXT_APP, tmp_path)
    (root / "dev.Dockerfile").write_bytes(b"FROM alpine\nRUN echo \xff\n")  # unreadable: no action
    assert quick_fixes(CONTEXT_APP, uri, [sf001]) == []


@pytest.mark.asyncio
async def test_sf001_quick_fix_over_the_protocol(client: LanguageClient) -> None:
    _context(client.root, None)
    uri = await open_doc(client, CONTEXT_APP)
    (sf001,) = [d for d in client.diagnostics[uri] if d.code == "SF001"]
    (action,) = await quick_fix_actions(client, uri, sf001)
    create, edit = action.edit.document_changes
    assert create.kind == "create" and create.uri == (client.root / ".dockerignore").as_uri()
    assert ".git\n" in apply("", edit.edits)
    assert not (client.root / ".dockerignore").exists()
