"""`vetline scan` reads Jinja2/Django templates: `*.jinja`, `*.j2`, and `.html` under `templates/`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from vetline.rules.languages import language_for_path
from vetline.server.cli import main

UNSAFE = "<p>{{ comment|safe }}</p>\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Templates where the rule should look, and an ordinary HTML page where it should not."""
    (tmp_path / "app" / "templates" / "blog").mkdir(parents=True)
    (tmp_path / "app" / "templates" / "blog" / "post.html").write_text(UNSAFE)
    (tmp_path / "mail.j2").write_text("{% autoescape off %}{{ body }}{% endautoescape %}\n")
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "index.html").write_text(UNSAFE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_scan_reports_templates_and_skips_other_html(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that templates are scanned and an HTML file outside `templates/` is not."""
    code = main(["scan", "--format", "json", "--select", "template-escaping-disabled"])
    found = json.loads(capsys.readouterr().out)["findings"]
    assert code == 1
    assert sorted((f["path"], f["line"], f["rule"]) for f in found) == [
        ("app/templates/blog/post.html", 1, "template-escaping-disabled"),
        ("mail.j2", 1, "template-escaping-disabled"),
    ]


@pytest.mark.parametrize(
    ("path", "language"),
    [
        ("templates/x.html", "jinja-html"),
        ("pkg/jinja2/base.htm", "jinja-html"),
        ("email.jinja", "jinja-html"),
        ("page.html", None),
        ("templates.html", None),
    ],
)
def test_template_files_are_recognised_by_path(path: str, language: str | None) -> None:
    """Ensure that `.html` counts as a template only inside a `templates`/`jinja2` folder."""
    assert language_for_path(path) == language


def test_unterminated_and_binary_templates_do_not_crash(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ensure that a template cut mid-typing still reports what precedes the cut, and bad bytes are survived."""
    (project / "app" / "templates" / "half.html").write_text("{{ a.comment|safe }}\n{{ b.comment|safe \n")
    (project / "app" / "templates" / "blob.html").write_bytes(b"\xff\xfe{{ x.comment|safe }}\x00")
    main(["scan", "--format", "json", "--select", "template-escaping-disabled", "app/templates"])
    paths = [f["path"] for f in json.loads(capsys.readouterr().out)["findings"]]
    assert "app/templates/half.html" in paths
