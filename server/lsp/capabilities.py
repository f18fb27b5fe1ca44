"""What the connected client can do, resolved once at `initialize` into plain booleans.

Handlers branch on these flags instead of walking the optional-everything capability tree each
time (Ruff's `ResolvedClientCapabilities`). The most important one decides the diagnostics
model: a client that can pull gets pull diagnostics and no pushes at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types


@dataclass(frozen=True)
class ClientFeatures:
    """The client capabilities the server acts on."""

    pull_diagnostics: bool = False
    diagnostic_refresh: bool = False
    document_changes: bool = False  # versioned TextDocumentEdits in a WorkspaceEdit
    create_files: bool = False  # `CreateFile` resource operations in a WorkspaceEdit
    work_done_progress: bool = False
    configuration: bool = False  # workspace/configuration requests
    watch_files_dynamically: bool = False
    resolve_code_action_edits: bool = False
    markdown_hover: bool = False


def resolve(capabilities: types.ClientCapabilities) -> ClientFeatures:
    """Flatten the client's capabilities into `ClientFeatures`."""
    text = capabilities.text_document or types.TextDocumentClientCapabilities()
    workspace = capabilities.workspace or types.WorkspaceClientCapabilities()
    window = capabilities.window or types.WindowClientCapabilities()
    edit = workspace.workspace_edit or types.WorkspaceEditClientCapabilities()
    resolve_support = text.code_action.resolve_support if text.code_action else None
    hover_formats = (text.hover.content_format or []) if text.hover else []
    return ClientFeatures(
        pull_diagnostics=text.diagnostic is not None,
        diagnostic_refresh=bool(workspace.diagnostics and workspace.diagnostics.refresh_support),
        document_changes=bool(edit.document_changes),
        create_files=types.ResourceOperationKind.Create in (edit.resource_operations or []),
        work_done_progress=bool(window.work_done_progress),
        configuration=bool(workspace.configuration),
        watch_files_dynamically=bool(
            workspace.did_change_watched_files and workspace.did_change_watched_files.dynamic_registration
        ),
        resolve_code_action_edits="edit" in (resolve_support.properties if resolve_support else []),
        markdown_hover=types.MarkupKind.Markdown in hover_formats,
    )
