"""Unit tests of the server's document model: incremental edits, trees and inserted blocks."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from vetline.rules.languages import language_for_path
from vetline.server.lsp.analysis import _reparse
from vetline.server.lsp.documents import Document, language_of, open_document
from vetline.server.lsp.logs import RedactingFormatter
from vetline.server.positions import UTF16


def change(
    line: int, character: int, end_line: int, end_character: int, text: str
) -> types.TextDocumentContentChangePartial:
    rng = types.Range(
        start=types.Position(line=line, character=character), end=types.Position(line=end_line, character=end_character)
    )
    return types.TextDocumentContentChangePartial(range=rng, text=text)


def opened(text: str, uri: str = "file:///p/app.py", language: str = "python") -> Document:
    return open_document(types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text))


def test_incremental_changes_update_bytes_and_reuse_the_tree() -> None:
    """Ensure that edits reach the bytes and the edited tree reparses to the fresh parse."""
    doc = opened("import yaml\nx = yaml.safe_load(s)\n")
    doc.tree = _reparse(doc)
    doc.apply(change(1, 9, 1, 18, "load"), UTF16)
    assert doc.source == b"import yaml\nx = yaml.load(s)\n"
    incremental = _reparse(doc)
    doc.tree = None
    assert str(incremental.root_node) == str(_reparse(doc).root_node)


def test_a_paste_of_three_lines_is_an_inserted_block_that_moves_with_later_edits() -> None:
    """Ensure that a 3-line insertion is remembered and shifts when text is added before it."""
    doc = opened("a = 1\n")
    doc.apply_all([change(1, 0, 1, 0, "b = 2\nc = 3\nd = 4\n")], UTF16)
    assert doc.blocks == [[6, 24]]
    doc.apply_all([change(0, 0, 0, 0, "# x\n")], UTF16)
    assert doc.blocks == [[10, 28]] and doc.in_inserted_block(12) and not doc.in_inserted_block(2)


def test_typing_a_line_at_a_time_is_not_an_inserted_block() -> None:
    """Ensure that ordinary typing (one or two lines per edit) never counts as a block."""
    doc = opened("a = 1\n")
    doc.apply_all([change(1, 0, 1, 0, "b = 2\n")], UTF16)
    doc.apply_all([change(2, 0, 2, 0, "c = 3\nd = 4")], UTF16)
    assert doc.blocks == []


def test_a_paste_streamed_in_chunks_in_one_did_change_is_one_inserted_block() -> None:
    """Ensure that consecutive insertions of one didChange, each continuing the last, make one block."""
    doc = opened("a = 1\n")
    chunks = [
        change(1, 0, 1, 0, "def f(x):\n    y"),
        change(2, 5, 2, 5, " = x\n    return y"),
        change(3, 12, 3, 12, "\n"),
    ]
    doc.apply_all(chunks, UTF16)
    assert doc.source == b"a = 1\ndef f(x):\n    y = x\n    return y\n"
    assert doc.blocks == [[6, len(doc.source)]] and doc.typed == []


def test_the_same_chunks_in_separate_did_changes_are_typed_lines() -> None:
    """Ensure that lines typed one edit at a time are typed text, counted once per line, never a block."""
    doc = opened("a = 1\n")
    for chunk in ["b", " = 2", "\n", "c = 3\n"]:
        end = doc.index.position(len(doc.source), UTF16)
        doc.apply_all([change(end.line, end.character, end.line, end.character, chunk)], UTF16)
    assert doc.blocks == [] and doc.typed == [[6, 18]] and doc.typed_lines() == 2
    doc.apply_all([change(0, 0, 0, 0, "x\ny\nz\n")], UTF16)  # a block above moves the typed range
    assert doc.typed == [[12, 24]] and doc.typed_lines() == 2


def test_a_whole_document_change_resets_tree_and_blocks() -> None:
    """Ensure that a full-text change (no range) replaces everything and forgets blocks."""
    doc = opened("a = 1\n")
    doc.apply_all([change(1, 0, 1, 0, "b\nc\nd\n")], UTF16)
    doc.apply(types.TextDocumentContentChangeWholeDocument(text="z = 0\n"), UTF16)
    assert doc.source == b"z = 0\n" and doc.blocks == [] and doc.tree is None


def test_language_comes_from_the_client_or_the_file_name() -> None:
    """Ensure that unknown client language ids fall back to vetline's file-name table."""
    assert language_of("python", None) == "python"
    assert language_of("plaintext", Path("/p/requirements-dev.txt")) == "pip-requirements"
    assert language_of("json", Path("/p/package.json")) == "json"
    assert language_of("markdown", Path("/p/README.md")) == "markdown"  # hidden Unicode, instruction files
    assert language_of("plaintext", Path("/p/.cursorignore")) == "ignore"
    assert language_of("rust", Path("/p/main.rs")) is None


def test_loose_client_ids_yield_to_the_file_name() -> None:
    """Ensure that `plaintext`/`properties`/`shellscript` from an editor do not hide a known file name."""
    assert language_of("properties", Path("/p/.env")) == "dotenv"
    assert language_of("shellscript", Path("/p/.env.local")) == "dotenv"
    assert language_of("plaintext", Path("/p/notes.txt")) == "plaintext"
    assert language_of("go", Path("/p/main.go")) == "go"
    assert language_of("terraform-vars", None) == "terraform"
    assert language_of("plaintext", None) == "plaintext"


# (file name, the language id VS Code gives it without extra extensions, Neovim 0.7.2's filetype; "" = none).
EDITOR_IDS = [
    ("deploy.sh", "shellscript", "sh"),
    (".bashrc", "shellscript", "sh"),
    (".zshrc", "shellscript", "zsh"),
    ("main.go", "go", "go"),
    ("App.java", "java", "java"),
    ("Main.kt", "plaintext", "kotlin"),
    ("build.gradle.kts", "plaintext", "kotlin"),
    ("Program.cs", "csharp", "cs"),
    ("app.rb", "ruby", "ruby"),
    ("Gemfile", "ruby", "ruby"),
    ("Rakefile", "ruby", "ruby"),
    ("index.php", "php", "php"),
    ("main.tf", "plaintext", "terraform"),
    ("prod.tfvars", "plaintext", "terraform"),
    ("main.tf", "terraform", ""),
    ("x.tfvars", "terraform-vars", "terraform-vars"),
    ("app.hcl", "plaintext", "hcl"),
    ("application.properties", "properties", "jproperties"),
    ("pom.xml", "xml", "xml"),
    ("web.config", "xml", "xml"),
    ("app.csproj", "xml", "xml"),
    ("nginx.conf", "properties", "nginx"),
    ("my.cnf", "properties", "dosini"),
    ("setup.cfg", "ini", "cfg"),
    ("tox.ini", "ini", "dosini"),
    ("build.gradle", "groovy", "groovy"),
    ("Makefile", "makefile", "make"),
    ("GNUmakefile", "makefile", "make"),
    ("rules.mk", "makefile", "make"),
    ("deploy.ps1", "powershell", "ps1"),
    ("notes.txt", "plaintext", "text"),
    (".netrc", "plaintext", "netrc"),
    (".pgpass", "plaintext", ""),
    (".git-credentials", "plaintext", "gitconfig"),
    ("Dockerfile", "dockerfile", "dockerfile"),
    ("Dockerfile.prod", "dockerfile", "dockerfile"),
    ("api.dockerfile", "dockerfile", "dockerfile"),
    (".env", "dotenv", "sh"),
    (".env", "properties", "sh"),
    (".env.local", "dotenv", "sh"),
    ("prod.env", "dotenv", "sh"),
    (".env.production", "plaintext", ""),
    ("settings.toml", "plaintext", "toml"),
    ("pyproject.toml", "toml", "toml"),
    ("Pipfile", "plaintext", "toml"),
    ("poetry.lock", "plaintext", "toml"),
    ("package.json", "json", "json"),
    ("tsconfig.json", "jsonc", "json"),
    ("Pipfile.lock", "json", "json"),
    ("pnpm-lock.yaml", "yaml", "yaml"),
    ("yarn.lock", "yarnlock", ""),
    ("requirements.txt", "pip-requirements", "requirements"),
    ("requirements-dev.txt", "plaintext", "text"),
    ("config.yaml", "yaml", "yaml"),
    (".npmrc", "properties", "dosini"),
    (".pypirc", "plaintext", "dosini"),
    ("kubeconfig", "plaintext", "yaml"),
    ("server.pem", "plaintext", ""),
    ("id_rsa", "plaintext", ""),
    ("credentials", "plaintext", ""),
    (".gitignore", "ignore", "gitignore"),
    (".cursorrules", "plaintext", ""),
    ("README.md", "markdown", "markdown"),
    ("page.j2", "jinja", "jinja"),
    ("templates/base.html", "html", "htmldjango"),
    ("view.ejs", "html", "ejs"),
    ("x.hbs", "handlebars", "handlebars"),
    ("app.py", "python", "python"),
    ("a.tsx", "typescriptreact", "typescriptreact"),
    ("a.jsx", "javascriptreact", "javascriptreact"),
    ("a.mjs", "javascript", "javascript"),
]


@pytest.mark.parametrize(("name", "vscode_id", "neovim_id"), EDITOR_IDS)
def test_the_server_reads_an_editors_document_as_vetline_scan_reads_the_file(
    name: str, vscode_id: str, neovim_id: str
) -> None:
    """Ensure that the language the server gives a didOpen matches `vetline scan`'s for that file,
    whatever id VS Code or Neovim sends (`pnpm-lock.yaml` is `yaml` to both, `Makefile` is `make`)."""
    path = Path("/p") / name
    assert language_for_path(path) is not None
    assert language_of(vscode_id, path) == language_of(neovim_id, path) == language_for_path(path)


def test_logged_exceptions_never_include_their_message() -> None:
    """Ensure that a logged exception's message (which may quote a secret) is withheld."""

    try:
        buffer_text = "AKIA" + "IOSFODNN7EXAMPLE"  # as a rule would hold it: in a variable
        raise ValueError(f"{buffer_text} found in buffer")
    except ValueError:
        record = logging.LogRecord("vetline.engine", logging.ERROR, __file__, 1, "rule crashed", None, True)
        record.exc_info = sys.exc_info()
    text = RedactingFormatter("%(message)s").format(record)
    assert "rule crashed" in text and "ValueError: <message withheld>" in text
    assert "AKIA" not in text
