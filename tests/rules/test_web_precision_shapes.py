"""Web-rule precision on shapes of real applications that depend on where the code lives."""

from __future__ import annotations

from vetline.rules.engine import Engine
from vetline.rules.python.sensitive_data_logged import RULE as LOGGED

CREATEDB = """
from django.core.management.base import BaseCommand
DEFAULT_PASSWORD = "default"
class Command(BaseCommand):
    def create_user(self):
        print("Creating default account (username: %s / password: %s)" % (DEFAULT_USERNAME, DEFAULT_PASSWORD))
"""


def _lines(source: str, path: str) -> list[int]:
    return [f.start.line for f in Engine([LOGGED]).analyze(source.encode(), "python", path).findings]


def test_print_in_a_management_command_is_the_operators_terminal() -> None:
    """Ensure that a Django command printing the default account it made is no log leak, and a view's print is."""
    assert _lines(CREATEDB, "mezzanine/core/management/commands/createdb.py") == []
    assert _lines(CREATEDB, "mezzanine/core/cli.py") == []
    assert _lines(CREATEDB, "mezzanine/core/views.py") == [5]
