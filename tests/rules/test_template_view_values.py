"""`template-escaping-disabled` reads the views: `|safe` on a variable the application only sets
to translated constants or escaped builds is no finding; one set from the request still is."""

from __future__ import annotations

from pathlib import Path

from vetline.rules.engine import Engine
from vetline.rules.templates.template_escaping_disabled import RULE

TEMPLATE = '{% if search_message %}\n<div class="alert">{{ search_message|safe }}</div>\n{% endif %}\n'
CONSTANT_VIEW = """
from django.utils.translation import gettext as _
def ticket_list(request):
    search_message = ""
    if request.GET.get("search_string") and is_sqlite:
        search_message = _(
            "<p><strong>Note:</strong> Your keyword search is case sensitive "
            "because of your database.</p>"
        )
    return render(request, "helpdesk/ticket_list.html", {"search_message": search_message})
"""


def _app(tmp_path: Path, view: str) -> Path:
    (tmp_path / "pyproject.toml").write_text("")
    templates = tmp_path / "helpdesk" / "templates" / "helpdesk"
    templates.mkdir(parents=True)
    (tmp_path / "helpdesk" / "views").mkdir()
    (tmp_path / "helpdesk" / "views" / "staff.py").write_text(view)
    template = templates / "ticket_list.html"
    template.write_text(TEMPLATE)
    return template


def _lines(template: Path) -> list[int]:
    found = Engine([RULE]).analyze(template.read_bytes(), "jinja-html", str(template)).findings
    return [f.start.line for f in found]


def test_safe_on_a_translated_constant_of_the_views_is_not_reported(tmp_path: Path) -> None:
    """Ensure that `{{ search_message|safe }}` is quiet when the views only set it to translated literals."""
    assert _lines(_app(tmp_path, CONSTANT_VIEW)) == []


def test_safe_on_a_format_html_build_is_not_reported(tmp_path: Path) -> None:
    """Ensure that a message built with `format_html` (its arguments escaped) counts as server-built."""
    view = 'def v(request):\n    search_message = format_html("<b>{}</b> found", request.GET["q"])\n'
    assert _lines(_app(tmp_path, view)) == []


def test_safe_on_request_data_in_the_views_is_reported(tmp_path: Path) -> None:
    """Ensure that one assignment from the request keeps the finding."""
    view = CONSTANT_VIEW + 'def other(request):\n    search_message = "Results for " + request.GET["q"]\n'
    assert _lines(_app(tmp_path, view)) == [1]


def test_safe_on_a_variable_no_view_sets_is_reported(tmp_path: Path) -> None:
    """Ensure that a variable the views never name stays reported (no evidence, no exemption)."""
    assert _lines(_app(tmp_path, "def v(request):\n    return render(request, 't.html')\n")) == [1]
