"""The slimfix language server (``slimfix lsp``, stdio; needs the ``lsp`` extra).

Diagnostics on open and change, a quick fix per fixable diagnostic (SF001's edits, or
creates, the ``.dockerignore``), ``source.fixAll.slimfix``
and ``textDocument/formatting`` (the safe fixes: format-on-save).  It never half-formats: text
that does not parse gets a diagnostic and no edit.  Edits are one minimal ``TextEdit``
covering the changed lines; positions are UTF-16, as the protocol wants, converted only here.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from slimfix import __version__
from slimfix.engine import Diagnostic, Safety, Settings, apply_fixes, check_text, fix_text
from slimfix.errors import SlimfixError, SlimfixSyntaxError
from slimfix.io import split_lines

FIX_ALL = "source.fixAll.slimfix"
server = LanguageServer("slimfix", __version__)


def settings_for_uri(uri: str) -> tuple[Settings, Path | None]:
    from slimfix.config import load_settings

    parsed = urlparse(uri)
    path = Path(unquote(parsed.path)) if parsed.scheme == "file" else None
    try:
        settings = load_settings(path)
    except SlimfixError:
        settings = Settings()
    if path is not None and settings.context is None:

        settings = settings.replace(context=path.parent)
    return settings, path


def position(text: str, offset: int) -> types.Position:
    """A code-point offset as an LSP position (line, UTF-16 column)."""
    line_start = text.rfind("\n", 0, offset) + 1
    line = text.count("\n", 0, line_start)
    column = len(text[line_start:offset].encode("utf-16-le")) // 2
    return types.Position(line=line, character=column)


def to_lsp(text: str, d: Diagnostic) -> types.Diagnostic:
    from slimfix.catalog import url

    severity = types.DiagnosticSeverity.Warning
    return types.Diagnostic(
        range=types.Range(start=position(text, d.start), end=position(text, max(d.start, d.end))),
        message=d.message,
        severity=severity,
        code=d.code,
        code_description=types.CodeDescription(href=url(d.code)),
        source="slimfix",
        data={"code": d.code, "start": d.start, "end": d.end},
    )


def diagnose(text: str, uri: str) -> list[types.Diagnostic]:
    settings, path = settings_for_uri(uri)
    try:
        found = check_text(text, settings, path)
    except SlimfixSyntaxError as exc:
        pos = types.Position(line=exc.line - 1, character=max(exc.column - 1, 0))
        return [
            types.Diagnostic(
                range=types.Range(start=pos, end=types.Position(line=exc.line, character=0)),
                message=f"slimfix cannot parse this file: {exc.reason}",
                severity=types.DiagnosticSeverity.Error,
                source="slimfix",
            )
        ]
    except SlimfixError:
        return []
    return [to_lsp(text, d) for d in found]


def minimal_edit(old: str, new: str) -> list[types.TextEdit]:
    """One edit replacing only the lines that differ (ruff-lsp's ``_fixed_source_to_edits``)."""
    if old == new:
        return []
    a, b = split_lines(old), split_lines(new)
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[len(a) - 1 - tail] == b[len(b) - 1 - tail]:
        tail += 1
    start = sum(len(x) for x in a[:head])
    end = len(old) - sum(len(x) for x in a[len(a) - tail :])
    replacement = "".join(b[head : len(b) - tail])
    return [types.TextEdit(range=types.Range(start=position(old, start), end=position(old, end)), new_text=replacement)]


# Rules whose findings never carry a fix to the Dockerfile: SF001 proposes ignore-file lines (which
# formatting does not write) and SF900 reports suppressions.  Formatting skips them: its edits are
# the same (tests/test_lsp.py compares), and SF001 reads the whole build context on every save.
NO_DOCKERFILE_FIX = frozenset({"SF001", "SF900"})


def format_text(text: str, uri: str) -> list[types.TextEdit]:
    settings, path = settings_for_uri(uri)
    settings = settings.replace(unsafe_fixes=False, ignore=settings.ignore | NO_DOCKERFILE_FIX)
    try:
        result = fix_text(text, settings, path)
    except SlimfixError:
        return []  # never half-format
    return minimal_edit(text, result.output)


def quick_fixes(text: str, uri: str, wanted: list[types.Diagnostic]) -> list[types.CodeAction]:
    settings, path = settings_for_uri(uri)
    try:
        found = check_text(text, settings, path)
    except SlimfixError:
        return []
    actions: list[types.CodeAction] = []
    for lsp_diag in wanted:
        data = lsp_diag.data if isinstance(lsp_diag.data, dict) else {}
        if data.get("code") == "SF001" and path is not None:
            action = ignore_file_action(text, path, settings, lsp_diag)
            if action is not None:
                actions.append(action)
            continue
        for d in found:
            if d.fix is None or d.fix.safety == Safety.DISPLAY_ONLY:
                continue
            if (d.code, d.start, d.end) != (data.get("code"), data.get("start"), data.get("end")):
                continue
            new, applied = apply_fixes(text, [d.fix])
            if not applied or not _parses(new):
                continue
            unsafe = " (unsafe)" if d.fix.safety == Safety.UNSAFE else ""
            actions.append(
                types.CodeAction(
                    title=f"slimfix: {d.fix.title}{unsafe}",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[lsp_diag],
                    is_preferred=d.fix.safety == Safety.SAFE,
                    edit=types.WorkspaceEdit(changes={uri: minimal_edit(text, new)}),
                )
            )
    return actions


def ignore_file_action(
    text: str, path: Path, settings: Settings, lsp_diag: types.Diagnostic
) -> types.CodeAction | None:
    """SF001's quick fix: the ``.dockerignore`` lines, made with the Dockerfile's text as edited
    and the other Dockerfiles that share the ignore file as saved; created if it is missing."""
    from slimfix.context_fix import size_text
    from slimfix.side_files import change_for, edit_between

    try:
        change = change_for(path, text, settings)
    except ValueError:  # an ignore file Docker would refuse: SF001's diagnostic says so
        return None
    if change is None:
        return None
    target = change.path.resolve().as_uri()
    if change.path.exists():
        e = edit_between(change.old_text, change.new_text)
        where = types.Range(start=position(change.old_text, e.start), end=position(change.old_text, e.end))
        edit = types.WorkspaceEdit(changes={target: [types.TextEdit(range=where, new_text=e.text)]})
    else:
        start = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0))
        edit = types.WorkspaceEdit(
            document_changes=[
                types.CreateFile(uri=target, options=types.CreateFileOptions(overwrite=False, ignore_if_exists=True)),
                types.TextDocumentEdit(
                    text_document=types.OptionalVersionedTextDocumentIdentifier(uri=target, version=None),
                    edits=[types.TextEdit(range=start, new_text=change.new_text)],
                ),
            ]
        )
    sizes = f"{size_text(*change.size_before)} -> {size_text(*change.size_after)}"
    unsafe = " (unsafe)" if change.unsafe else ""
    return types.CodeAction(
        title=f"slimfix: list them in {change.path.name}, context {sizes}{unsafe}",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[lsp_diag],
        is_preferred=not change.unsafe,
        edit=edit,
    )


def _parses(text: str) -> bool:
    from slimfix import parse

    try:
        return parse(text).code == text
    except SlimfixError:
        return False


def fix_all_action(text: str, uri: str) -> types.CodeAction | None:
    edits = format_text(text, uri)
    if not edits:
        return None
    return types.CodeAction(
        title="slimfix: fix all safe findings",
        kind=FIX_ALL,
        edit=types.WorkspaceEdit(changes={uri: edits}),
    )


def _publish(ls: LanguageServer, uri: str) -> None:
    doc = ls.workspace.get_text_document(uri)
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnose(doc.source, uri), version=doc.version)
    )


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: LanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    _publish(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: LanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    _publish(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: LanguageServer, params: types.DidSaveTextDocumentParams) -> None:
    _publish(ls, params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: LanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))


@server.feature(types.TEXT_DOCUMENT_FORMATTING)
def formatting(ls: LanguageServer, params: types.DocumentFormattingParams) -> list[types.TextEdit] | None:
    doc = ls.workspace.get_text_document(params.text_document.uri)
    return format_text(doc.source, doc.uri)


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL]),
)
def code_actions(ls: LanguageServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    doc = ls.workspace.get_text_document(params.text_document.uri)
    only = params.context.only
    actions: list[types.CodeAction] = []
    if not only or types.CodeActionKind.QuickFix in only:
        actions.extend(quick_fixes(doc.source, doc.uri, list(params.context.diagnostics)))
    if not only or any(str(k).startswith("source.fixAll") or k == types.CodeActionKind.Source for k in only):
        action = fix_all_action(doc.source, doc.uri)
        if action is not None:
            actions.append(action)
    return actions


def serve() -> None:
    import gc

    from slimfix.engine import transforms

    transforms()  # loaded now rather than during the first request
    gc.freeze()  # what start-up created lives as long as the server: later collections skip it
    server.start_io()
