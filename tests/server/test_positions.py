"""Unit tests of `server/positions.py`: bytes <-> LSP positions in every encoding."""

from __future__ import annotations

import pytest
from lsprotocol.types import Position
from vetline.rules import languages
from vetline.server.positions import UTF8, UTF16, UTF32, LineIndex, encode

TEXT = "a = 1\r\nnote = '😀漢字'; x\r\n\n末尾"
ENCODINGS = [UTF8, UTF16, UTF32]


def expected_character(line_text: str, encoding: str) -> int:
    if encoding == UTF8:
        return len(line_text.encode("utf-8"))
    if encoding == UTF16:
        return len(line_text.encode("utf-16-le")) // 2
    return len(line_text)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_position_of_a_byte_after_emoji_and_cjk(encoding: str) -> None:
    """Ensure that the column after emoji and CJK counts code units of the encoding."""
    source = encode(TEXT)
    offset = source.index(b"; x")
    position = LineIndex(source).position(offset, encoding)
    assert position == Position(line=1, character=expected_character("note = '😀漢字'", encoding))


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_offset_round_trips_for_every_character(encoding: str) -> None:
    """Ensure that every character boundary converts to a position and back to the same byte."""
    source = encode(TEXT)
    index = LineIndex(source)
    boundaries = [len(encode(TEXT[:i])) for i in range(len(TEXT) + 1)]
    for offset in boundaries:
        if source[offset - 1 : offset + 1] == b"\r\n":
            continue  # between CR and LF is not a position an editor can express
        assert index.offset(index.position(offset, encoding), encoding) == offset


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_positions_past_the_end_are_clamped(encoding: str) -> None:
    """Ensure that a column past the line end stops before the CRLF and a line past EOF ends the file."""
    source = encode(TEXT)
    index = LineIndex(source)
    assert index.offset(Position(line=0, character=99), encoding) == source.index(b"\r\n")
    assert index.offset(Position(line=99, character=0), encoding) == len(source)


def test_utf16_column_inside_a_surrogate_pair_rounds_up() -> None:
    """Ensure that a UTF-16 column pointing into an emoji never splits its UTF-8 bytes."""
    index = LineIndex(encode("😀x"))
    assert index.offset(Position(line=0, character=1), UTF16) == 4


def test_lone_surrogates_survive_encoding() -> None:
    """Ensure that text with a lone surrogate (legal in JSON strings) still converts."""
    index = LineIndex(encode("a\udcffb"))
    assert index.position(len(index.source), UTF16) == Position(line=0, character=3)


@pytest.mark.parametrize(
    ("start", "end", "new"),
    [(0, 0, b"x\ny\n"), (3, 12, b""), (5, 5, b"\r\n\r\n"), (7, 20, b"\xe6\xbc\xa2\n"), (0, -1, b"")],
)
def test_replace_keeps_line_starts_equal_to_a_rebuild(start: int, end: int, new: bytes) -> None:
    """Ensure that the incremental line index update equals indexing the new text from scratch."""
    index = LineIndex(encode(TEXT))
    end = len(index.source) if end == -1 else end
    index.replace(start, end, new)
    assert index.starts == LineIndex(index.source).starts


def test_replace_reports_tree_sitter_points_for_an_incremental_parse() -> None:
    """Ensure that the reported edit lets tree-sitter reparse to the same tree as a fresh parse."""
    source = b"import yaml\n\ndef f(x):\n    return yaml.safe_load(x)\n"
    parser = languages.parser("python")
    tree = parser.parse(source)
    index = LineIndex(source)
    start = source.index(b"safe_load")
    edit = index.replace(start, start + len(b"safe_load"), b"load")
    tree.edit(
        edit.start_byte, edit.old_end_byte, edit.new_end_byte, edit.start_point, edit.old_end_point, edit.new_end_point
    )
    assert edit.start_point == (3, 16) and edit.new_end_point == (3, 20)
    incremental = parser.parse(index.source, tree)
    assert str(incremental.root_node) == str(parser.parse(index.source).root_node)


def test_only_cr_lf_and_crlf_end_lines() -> None:
    """Ensure that a lone CR ends a line and form feed, U+2028, U+0085 and U+001C-U+001E do not."""
    index = LineIndex(encode("a\rb\x0cc\u2028d\u0085e\x1c\x1d\x1ef\r\ng\nh"))
    assert [index.position(index.source.index(c.encode()), UTF32).line for c in "abfgh"] == [0, 1, 1, 2, 3]
    assert index.offset(Position(line=1, character=99), UTF32) == index.source.index(b"\r\n")


def test_tree_sitter_points_count_only_line_feeds() -> None:
    """Ensure that tree-sitter points ignore a lone CR while LSP lines count it."""
    index = LineIndex(b"a\rb\nc")
    assert (
        index.point(4) == (1, 0)
        and index.point(2) == (0, 2)
        and index.position(2, UTF8) == Position(line=1, character=0)
    )


@pytest.mark.parametrize(
    ("start", "end", "new"), [(1, 1, b"\n"), (2, 2, b"x"), (1, 2, b""), (0, 4, b"\r"), (3, 3, b"\r")]
)
def test_edits_joining_or_splitting_cr_and_lf_keep_line_starts_exact(start: int, end: int, new: bytes) -> None:
    """Ensure that an edit which makes or breaks a CRLF updates the line starts as a rebuild would."""
    index = LineIndex(b"a\r\nb\rc\n")
    index.replace(start, end, new)
    assert index.starts == LineIndex(index.source).starts


def test_utf8_column_inside_a_character_rounds_up() -> None:
    """Ensure that a UTF-8 column pointing into a multi-byte character never splits it."""
    assert LineIndex(encode("é\u2028x")).offset(Position(line=0, character=3), UTF8) == 5
