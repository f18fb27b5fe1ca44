"""vetline's language server (pygls 2): one module per LSP method family, plus its state.

Method families:
- `configuration`: initialize/initialized, settings from initializationOptions,
  workspace/configuration and didChangeConfiguration;
- `sync`: didOpen/didChange/didSave/didClose;
- `notebooks`: notebookDocument/didOpen|didChange|didSave|didClose, cells analysed as one module;
- `diagnostics`: debounced analysis, push (publishDiagnostics) or pull (textDocument/diagnostic);
- `actions`: quick fixes, ignore comments, `source.fixAll.vetline`, codeAction/resolve;
- `hover`: rule explanations on flagged ranges;
- `workspace`: `vetline.scanWorkspace`, workspace diagnostics, watched configuration files.

State and helpers: `server` (the `VetlineServer`, `create_server()`), `capabilities` (client
features resolved once), `documents` (buffers, trees, inserted blocks), `projects`
(configuration and engines per project), `analysis` and `incremental` (running the engine on a
buffer, whole or only its edited definitions), `edits` and `ignore_comments` (building
WorkspaceEdits), `logs` (stderr and window/logMessage, redacted).
"""
