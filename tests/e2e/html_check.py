"""A strict HTML check for the reports: parsed with html.parser, every non-void element closed in order."""

from __future__ import annotations

from html.parser import HTMLParser

VOID = {"meta", "br", "hr", "img", "input", "link", "area", "base", "col", "embed", "source", "track", "wbr"}


class _Balance(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(tag)


def balanced(page: str) -> bool:
    """A strict check: every non-void element closed in order, the document starts with a doctype."""
    parser = _Balance()
    parser.feed(page)
    parser.close()
    return page.startswith("<!DOCTYPE html>") and not parser.errors and not parser.stack
