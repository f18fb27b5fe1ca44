"""vetline's language server (pygls 2): one module per LSP method family.

- `server`: the `VetlineServer` state and `create_server()`;
- `configuration`: initialize/initialized, settings from initializationOptions,
  workspace/configuration and didChangeConfiguration;
- `sync`: didOpen/didChange/didSave/didClose on `documents`;
- `diagnostics`: debounced analysis, push (publishDiagnostics) or pull (textDocument/diagnostic);
- `actions`: quick fixes, ignore comments, `source.fixAll.vetline`, codeAction/resolve;
- `hover`: rule explanations on flagged ranges;
- `workspace`: `vetline.scanWorkspace`, workspace diagnostics, watched configuration files.
"""
