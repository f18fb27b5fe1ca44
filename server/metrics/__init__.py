"""The local metrics store and the report built from it: each finding's life, per workspace.

`store` owns the SQLite file (under the user data directory, WAL mode, short transactions, a
busy timeout) and `recorder` wraps it so a locked or corrupt database is skipped with one log
line instead of breaking linting. `keys` turns a finding into a salted, hashed location key:
no code, secret value or message is ever stored. `summary` computes the report's numbers once;
`html` and `text` render them (self-contained HTML with inline SVG, JSON, markdown).
"""
