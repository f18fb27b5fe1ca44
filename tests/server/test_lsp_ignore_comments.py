"""Unit tests of the ignore-comment edits offered as code actions."""

from __future__ import annotations

from lsprotocol import types
from vetline.rules.model import Edit
from vetline.server.lsp.analysis import _reparse
from vetline.server.lsp.documents import Document, open_document
from vetline.server.lsp.ignore_comments import ignore_file, ignore_line


def opened(text: str, language: str = "python", uri: str = "file:///p/app.py") -> Document:
    doc = open_document(types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text))
    doc.tree = _reparse(doc)
    return doc


def applied(doc: Document, edit: Edit | None) -> str:
    assert edit is not None
    source = doc.source[: edit.start_byte] + edit.new_text.encode() + doc.source[edit.end_byte :]
    return source.decode()


def test_line_comment_is_appended_before_crlf() -> None:
    """Ensure that the comment goes at the end of the line, before its CRLF."""
    doc = opened("import yaml\r\nyaml.load(x)\r\n")
    assert applied(doc, ignore_line(doc, 1, "a-b")) == "import yaml\r\nyaml.load(x)  # vetline: ignore[a-b]\r\n"


def test_line_comment_uses_slashes_in_javascript() -> None:
    """Ensure that JavaScript gets a `//` comment."""
    doc = opened("eval(x)\n", "javascript", "file:///p/app.js")
    assert applied(doc, ignore_line(doc, 0, "a-b")) == "eval(x)  // vetline: ignore[a-b]\n"


def test_existing_directive_is_extended_and_not_repeated() -> None:
    """Ensure that a second rule joins the existing bracket and a present rule adds nothing."""
    doc = opened("yaml.load(x)  # noqa: S506  # vetline: ignore[c-d]\n")
    assert applied(doc, ignore_line(doc, 0, "a-b")).endswith("# vetline: ignore[c-d, a-b]\n")
    assert ignore_line(doc, 0, "c-d") is None


def test_line_ending_inside_a_multiline_string_gets_the_comment_above() -> None:
    """Ensure that a comment is never appended inside a triple-quoted string."""
    doc = opened('    q = f"""SELECT {x}\n    FROM t"""\n')
    assert applied(doc, ignore_line(doc, 0, "a-b")).startswith('    # vetline: ignore[a-b]\n    q = f"""')


def test_json_has_no_comment_so_no_action() -> None:
    """Ensure that JSON files get no ignore edits (comments would break them)."""
    doc = opened('{"a": 1}\n', "json", "file:///p/package.json")
    assert ignore_line(doc, 0, "a-b") is None and ignore_file(doc, "a-b") is None


def test_file_comment_goes_after_the_shebang_and_merges() -> None:
    """Ensure that the file-wide comment follows a shebang and merges with an existing one."""
    doc = opened("#!/usr/bin/env python\nimport yaml\n")
    fresh = applied(doc, ignore_file(doc, "a-b"))
    assert fresh == "#!/usr/bin/env python\n# vetline: ignore-file[a-b]\nimport yaml\n"
    merged = opened(fresh)
    assert "# vetline: ignore-file[a-b, c-d]\n" in applied(merged, ignore_file(merged, "c-d"))
