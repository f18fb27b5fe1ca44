"""`template-escaping-disabled`: confidence grading and bad input (the examples run in test_rule_examples)."""

from __future__ import annotations

from vetline.rules.engine import Engine
from vetline.rules.model import Confidence
from vetline.rules.templates import template_escaping_disabled
from vetline.rules.templates._syntax import spans


def analyse(text: str) -> list[tuple[int, Confidence]]:
    found = Engine([template_escaping_disabled.RULE]).analyze(text.encode(), "jinja-html", "t.html").findings
    return [(f.start.line, f.confidence) for f in found]


def test_user_content_is_reported_and_server_rendered_html_is_not() -> None:
    """Ensure that `|safe` on visitor-written content is a finding and `|safe` on staff rich text is not."""
    text = "{{ product.description|safe }}\n{{ comment.body|safe }}\n{% autoescape off %}{% endautoescape %}\n"
    assert analyse(text) == [(1, Confidence.MEDIUM), (2, Confidence.MEDIUM)]


def test_comments_and_lookalike_filters_are_not_reported() -> None:
    """Ensure that `{# {{ x|safe }} #}`, `|safe_join` and `|unsafe` are not findings."""
    assert analyse("{# {{ x|safe }} #}\n{{ x|safe_join }}\n{{ x|unsafe }}\n") == []


def test_pathological_templates_stay_linear() -> None:
    """Ensure that unclosed and interleaved delimiters are read in one linear pass."""
    text = "{{ a " * 50_000 + "{% b " * 50_000 + "{{ x|safe }}" * 20_000
    found = list(spans(text))  # quadratic re-searching here would run into the test timeout
    assert len(found) == 20_000  # the first `{{` runs to the first `}}`; each later field is its own span
    assert found[0][1] == 0 and found[-1][2] == len(text)


def test_byte_offsets_count_multibyte_characters() -> None:
    """Ensure that findings after non-ASCII text start at the right byte and column."""
    text = "<p>Café ☕</p>{{ a.comment|safe }}\n<p>日本</p>{{ b.comment|safe }}\n"
    found = Engine([template_escaping_disabled.RULE]).analyze(text.encode(), "jinja-html", "t.html").findings
    data = text.encode()
    assert [data[f.start_byte : f.end_byte] for f in found] == [b"{{ a.comment|safe }}", b"{{ b.comment|safe }}"]


def test_email_templates_are_not_reported_but_page_templates_are() -> None:
    """Ensure that `|safe` and `{% autoescape off %}` in an e-mail template (read in a mail client, which
    runs no scripts; plain-text bodies turn escaping off on purpose) are no findings, while in a page they are."""
    text = b"{{ signature|safe }}\n{% autoescape off %}{{ x }}{% endautoescape %}\n"
    engine = Engine([template_escaping_disabled.RULE])
    email = engine.analyze(text, "jinja-html", "pretixbase/templates/pretixbase/email/plainwrapper.html").findings
    page = engine.analyze(text, "jinja-html", "shop/templates/shop/profile.html").findings
    reset = engine.analyze(text, "jinja-html", "spirit/user/auth/templates/password_reset_email.html").findings
    text_body = engine.analyze(text, "jinja-html", "shop/templates/shop/receipt.txt").findings
    assert (list(email), list(reset), list(text_body)) == ([], [], [])
    assert [f.start.line for f in page] == [0, 1]
