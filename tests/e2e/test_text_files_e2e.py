"""End-to-end: every kind of text file `vetline scan` reads gets its secret diagnostic over LSP when
an editor opens it, under the language id that editor gives the file.

VS Code knows no Terraform, Kotlin or dotenv without extensions (they arrive as `plaintext` or
`properties`), Neovim 0.7.2 names Makefiles `make` and gives `.env.production` no filetype at all:
the server must still read each document as the CLI reads the file (see `language_of`).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from lsp_helpers import Buffer, RecordingClient

pytestmark = pytest.mark.asyncio(loop_scope="module")

# A GitHub token's shape, split so that no source line matches it.
SECRET = "ghp_" + "Q7wE2rT9yU4iO1pA6sD3" + "fG8hJ5kL0zX2cV7b"
# (file name, text with {secret}, line of the secret, VS Code's language id, Neovim 0.7.2's filetype)
TEXT_FILES = [
    ("deploy.sh", "#!/bin/sh\nexport GITHUB_TOKEN={secret}\n", 1, "shellscript", "sh"),
    ("main.tf", 'provider "github" {{\n  token = "{secret}"\n}}\n', 1, "plaintext", "terraform"),
    ("prod.tfvars", 'github_token = "{secret}"\n', 0, "plaintext", "terraform"),
    ("application.properties", "github.token={secret}\n", 0, "properties", "jproperties"),
    ("pom.xml", "<settings>\n  <password>{secret}</password>\n</settings>\n", 1, "xml", "xml"),
    ("nginx.conf", "token {secret};\n", 0, "properties", "nginx"),
    ("setup.cfg", "[auth]\ntoken = {secret}\n", 1, "ini", "cfg"),
    ("build.gradle", 'def token = "{secret}"\n', 0, "groovy", "groovy"),
    ("Makefile", "TOKEN := {secret}\n\nall:\n\techo ok\n", 0, "makefile", "make"),
    ("deploy.ps1", '$env:GITHUB_TOKEN = "{secret}"\n', 0, "powershell", "ps1"),
    ("main.go", 'package main\n\nconst token = "{secret}"\n', 2, "go", "go"),
    ("App.java", 'class App {{\n    static final String TOKEN = "{secret}";\n}}\n', 1, "java", "java"),
    ("Main.kt", 'val token = "{secret}"\n', 0, "plaintext", "kotlin"),
    ("Program.cs", 'class P {{ const string Token = "{secret}"; }}\n', 0, "csharp", "cs"),
    ("app.rb", 'TOKEN = "{secret}"\n', 0, "ruby", "ruby"),
    ("index.php", '<?php\n$token = "{secret}";\n', 1, "php", "php"),
    ("notes.txt", "github token: {secret}\n", 0, "plaintext", "text"),
    ("Dockerfile", "FROM python:3.12\nENV GITHUB_TOKEN={secret}\n", 1, "dockerfile", "dockerfile"),
    (".env", "API_TOKEN={secret}\n", 0, "dotenv", "sh"),
    (".env.production", "API_TOKEN={secret}\n", 0, "plaintext", ""),
    ("prod.env", "API_TOKEN={secret}\n", 0, "properties", "sh"),
    ("settings.toml", 'token = "{secret}"\n', 0, "plaintext", "toml"),
]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("text-files-project")
    (folder / "pyproject.toml").write_text('[tool.vetline]\nselect = ["secrets"]\n', encoding="utf-8")
    return folder


CASES = [
    pytest.param(name, text, line, language_id, id=f"{name}-{editor}-id:{language_id or 'none'}")
    for name, text, line, vscode_id, neovim_id in TEXT_FILES
    for editor, language_id in (("vscode", vscode_id), ("neovim", neovim_id))
]


@pytest.mark.parametrize(("name", "text", "line", "language_id"), CASES)
async def test_text_file_secret_is_reported_under_the_editors_language_id(
    client: RecordingClient, name: str, text: str, line: int, language_id: str
) -> None:
    """Ensure that a provider-format token in a shell script, Terraform, `.properties`, Makefile,
    Dockerfile, dotenv, ... file is reported on its line, without its value, whatever id the editor sends."""
    folder = Path(tempfile.mkdtemp(prefix="case-", dir=client.workspace_path))
    buffer = Buffer(client, folder / name, text.format(secret=SECRET), language=language_id)
    found = [d for d in await buffer.diagnostics() if d.code == "hardcoded-secret"]
    assert [d.range.start.line for d in found] == [line]
    assert SECRET not in found[0].message and SECRET[4:] not in found[0].message
