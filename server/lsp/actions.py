"""Code actions: a quick fix per diagnostic, ignore comments, and `source.fixAll.vetline`.

Quick fixes come from the fix stored in the diagnostic's `data` when it was computed for the
document's current version, and from a fresh analysis otherwise (Ruff's approach). Only safe
fixes are `isPreferred` and only safe fixes go into fix-all. "Ignore in this file" and fix-all
are returned without edits to clients that can resolve them (`codeAction/resolve`), so a
lightbulb request stays cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lsprotocol import types
from vetline.rules.model import Edit, Finding, Fix

from ..convert import SOURCE, fix_from_data, fixes_from_data
from ..fixing import non_overlapping
from . import edits as workspace_edits
from . import ignore_comments
from .analysis import current_result
from .documents import Document
from .metrics import offered
from .server import VetlineServer

FIX_ALL = "source.fixAll.vetline"
KINDS = [types.CodeActionKind.QuickFix, FIX_ALL]


def register(server: VetlineServer) -> None:
    options = types.CodeActionOptions(code_action_kinds=KINDS, resolve_provider=True)
    server.feature(types.TEXT_DOCUMENT_CODE_ACTION, options)(code_actions)
    server.feature(types.CODE_ACTION_RESOLVE)(resolve_action)


def code_actions(ls: VetlineServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    doc = ls.documents.get(params.text_document.uri)
    if doc is None:
        return None
    only = params.context.only
    actions: list[types.CodeAction] = []
    if _wants(only, types.CodeActionKind.QuickFix):
        for diagnostic in params.context.diagnostics:
            if diagnostic.source == SOURCE and isinstance(diagnostic.code, str) and diagnostic.data is not None:
                actions.extend(_actions_for(ls, doc, diagnostic))
    if _wants(only, FIX_ALL) and (only is not None or any(_safe_fix_in(d) for d in params.context.diagnostics)):
        actions.append(_deferred(ls, doc, "Fix all safe vetline issues", FIX_ALL, {"action": "fixAll"}))
    return actions


def resolve_action(ls: VetlineServer, action: types.CodeAction) -> types.CodeAction:
    data = action.data if isinstance(action.data, dict) else {}
    doc = ls.documents.get(str(data.get("uri")))
    if doc is not None and action.edit is None:
        action.edit = _resolved_edit(ls, doc, data)
    return action


def _actions_for(ls: VetlineServer, doc: Document, diagnostic: types.Diagnostic) -> list[types.CodeAction]:
    rule_id = str(diagnostic.code)
    actions = []
    for number, fix in enumerate(_fixes_for(ls, doc, diagnostic)):
        offered(ls, doc, diagnostic.data, fix, len(fix.edits))  # the metrics store tells a quick fix from an edit
        planned = workspace_edits.plan(ls, doc, fix)
        if planned.single_file_fallback and all(e.path is not None for e in fix.edits):
            continue  # nothing of this fix is left to apply to the document itself
        title = fix.title + ("" if fix.safe else " (unsafe fix: review it)")
        if planned.single_file_fallback:
            title += f" (this file only: {planned.fallback_reason})"
        actions.append(
            types.CodeAction(
                title,
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                is_preferred=fix.safe and number == 0,
                edit=planned.edit,
            )
        )
    line_edit = ignore_comments.ignore_line(doc, diagnostic.range.start.line, rule_id)
    if line_edit is not None:
        edit = workspace_edits.document_edit(ls, doc, workspace_edits.text_edits(doc, [line_edit], ls.encoding))
        actions.append(
            types.CodeAction(
                f"Ignore {rule_id} on this line",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                edit=edit,
            )
        )
    if ignore_comments.marker(doc.language) is not None:
        data = {"action": "ignoreFile", "rule": rule_id}
        actions.append(_deferred(ls, doc, f"Ignore {rule_id} in this file", types.CodeActionKind.QuickFix, data))
    return actions


def _deferred(ls: VetlineServer, doc: Document, title: str, kind: str, data: dict[str, Any]) -> types.CodeAction:
    """An action whose edit is computed now, or on resolve when the client supports that."""
    data = {**data, "uri": doc.uri}
    action = types.CodeAction(title, kind=kind, data=data)
    if not ls.features.resolve_code_action_edits:
        action.edit = _resolved_edit(ls, doc, data)
    return action


def _resolved_edit(ls: VetlineServer, doc: Document, data: dict[str, Any]) -> types.WorkspaceEdit:
    if data.get("action") == "fixAll":
        found = _fix_all_edits(ls, doc)
    else:
        edit = ignore_comments.ignore_file(doc, str(data.get("rule")))
        found = [edit] if edit is not None else []
    return workspace_edits.document_edit(ls, doc, workspace_edits.text_edits(doc, found, ls.encoding))


def _fix_all_edits(ls: VetlineServer, doc: Document) -> list[Edit]:
    """Fix-all's edits; each fix is offered, so the findings it removes are recorded as fixed."""
    result = current_result(ls, doc)
    data_of = {id(finding): d.data for finding, d in zip(result.findings, result.diagnostics)}
    chosen = safe_fixes(result.findings)
    edits = [edit for _finding, fix in chosen for edit in fix.edits]
    for finding, fix in chosen:
        offered(ls, doc, data_of.get(id(finding)), fix, edits_applied=len(edits))
    return edits


def safe_fixes(findings: Sequence[Finding]) -> list[tuple[Finding, Fix]]:
    """Every safe, single-file fix, skipping fixes that overlap an earlier one."""
    return non_overlapping(findings, lambda fix: fix.safe and all(e.path is None for e in fix.edits))


def _fixes_for(ls: VetlineServer, doc: Document, diagnostic: types.Diagnostic) -> list[Fix]:
    data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
    if data.get("version") == doc.version:
        return fixes_from_data(data)
    # Stale diagnostic: find the same rule's finding at that place in a fresh analysis.
    start = doc.index.offset(diagnostic.range.start, ls.encoding)
    end = doc.index.offset(diagnostic.range.end, ls.encoding)
    for finding in current_result(ls, doc).findings:
        if finding.rule_id == diagnostic.code and finding.start_byte <= end and start <= finding.end_byte:
            return list(finding.fixes)
    return []


def _safe_fix_in(diagnostic: types.Diagnostic) -> bool:
    fix = fix_from_data(diagnostic.data) if diagnostic.source == SOURCE else None
    return fix is not None and fix.safe


def _wants(only: Sequence[str] | None, kind: str) -> bool:
    return only is None or any(kind == k or kind.startswith(k + ".") for k in only)
