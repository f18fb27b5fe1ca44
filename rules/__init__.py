"""vetline's engine and rules. Imports tree-sitter and detect-secrets, never pygls/lsprotocol."""
