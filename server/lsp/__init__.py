"""The language server: one module per LSP method family."""
