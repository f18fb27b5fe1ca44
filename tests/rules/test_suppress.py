"""Suppression comments: vetline's own, Bandit's `# nosec`, Ruff's `# noqa: S…`."""

from __future__ import annotations

import pytest
from vetline.rules import registry
from vetline.rules.engine import Engine, SuppressionSettings

YAML = registry.by_id()["yaml-unsafe-load"]


DEFAULTS = SuppressionSettings()


def lines(source: str, settings: SuppressionSettings = DEFAULTS) -> list[int]:
    findings = Engine([YAML], suppression=settings).analyze(source.encode(), "python").findings
    return [f.start.line + 1 for f in findings]


@pytest.mark.parametrize(
    "comment",
    [
        "# vetline: ignore[yaml-unsafe-load]",
        "# vetline: ignore[other-rule, yaml-unsafe-load]",
        "# vetline: ignore",
        "# nosec",
        "# nosec B506",
        "# noqa: S506",
    ],
)
def test_trailing_comment_silences_its_line(comment: str) -> None:
    """Ensure that each supported comment form silences the finding on its own line only."""
    assert lines(f"import yaml\nyaml.load(a)  {comment}\nyaml.load(b)\n") == [3]


def test_comment_on_line_before_silences_next_line() -> None:
    """Ensure that a vetline ignore comment alone on a line covers the following line."""
    assert lines("import yaml\n# vetline: ignore[yaml-unsafe-load]\nyaml.load(a)\nyaml.load(b)\n") == [4]


@pytest.mark.parametrize(
    "comment", ["# vetline: ignore[other-rule]", "# nosec B101", "# noqa: S101", "# noqa", "# noqa: E501"]
)
def test_comments_for_other_rules_do_not_silence(comment: str) -> None:
    """Ensure that ids of other rules, and a bare `# noqa`, leave the finding reported."""
    assert lines(f"import yaml\nyaml.load(a)  {comment}\n") == [2]


def test_file_wide_ignore() -> None:
    """Ensure that `# vetline: ignore-file[id]` silences the rule anywhere in the file."""
    assert lines("# vetline: ignore-file[yaml-unsafe-load]\nimport yaml\nyaml.load(a)\nyaml.load(b)\n") == []


def test_directive_inside_a_string_is_not_a_comment() -> None:
    """Ensure that '# nosec' inside a string literal silences nothing."""
    assert lines('import yaml\nyaml.load("# nosec")\n') == [2]


def test_nosec_and_noqa_can_be_turned_off() -> None:
    """Ensure that teams can stop honouring Bandit and Ruff comments."""
    settings = SuppressionSettings(honour_nosec=False, honour_noqa=False)
    assert lines("import yaml\nyaml.load(a)  # nosec\nyaml.load(b)  # noqa: S506\n", settings) == [2, 3]


def test_noqa_inside_a_multi_line_finding_silences_it() -> None:
    """Ensure that Ruff's `# noqa: S608` on the query line inside a multi-line `execute(...)` counts."""
    sql = registry.by_id()["sql-query-built-from-strings"]
    source = (
        "from django.http import HttpResponse\n"
        "def cancel(request, cursor):\n"
        "    cursor.execute(\n"
        '        "SELECT pg_cancel_backend(procpid) "  # noqa: S608\n'
        "        f\"WHERE procpid='{request.GET['pid']}'\"\n"
        "    )\n"
        "def other(request, cursor):\n"
        "    cursor.execute(\n"
        "        f\"SELECT * FROM t WHERE a = '{request.GET['pid']}'\"\n"
        "    )\n"
        "    note = 1  # noqa: S608\n"
    )
    findings = Engine([sql]).analyze(source.encode(), "python").findings
    assert [f.start.line + 1 for f in findings] == [8]
