"""Web-rule precision on shapes of real applications that depend on where the code lives."""

from __future__ import annotations

from vetline.rules.engine import Engine
from vetline.rules.python.jinja2_autoescape_disabled import RULE as JINJA
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


def _jinja_lines(source: str, path: str = "app/render.py") -> list[int]:
    return [f.start.line + 1 for f in Engine([JINJA]).analyze(source.encode(), "python", path).findings]


LOG_NAME_TEMPLATE = """
import jinja2
def log_filename_renderer(template):
    return jinja2.Template(template).render
"""
KICKSTART = """
import jinja2
def render(raw_data, include_dir):
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(include_dir))
    return env.from_string(raw_data).render()
"""


def test_a_text_template_in_a_module_that_serves_no_pages_is_quiet() -> None:
    """Ensure that a template built from a setting or a parameter, with no web framework nor HTML
    in sight (a log file name, a kickstart file), is not an XSS finding."""
    assert _jinja_lines(LOG_NAME_TEMPLATE) == []
    assert _jinja_lines(KICKSTART) == []


def test_a_template_that_is_a_page_is_still_reported() -> None:
    """Ensure that the same calls beside a web framework, or naming HTML or a templates folder, are reported."""
    assert _jinja_lines("from flask import Flask\n" + LOG_NAME_TEMPLATE) == [5]
    assert _jinja_lines('import jinja2\nhtml = jinja2.Template("<p>Hi {{ name }}</p>")\n') == [2]
    assert _jinja_lines('import jinja2\nenv = jinja2.Environment(loader=jinja2.FileSystemLoader("templates"))\n') == [2]
    assert _jinja_lines(
        'from jinja2 import Environment, PackageLoader\nenv = Environment(loader=PackageLoader("app"))\n'
    ) == [2]
