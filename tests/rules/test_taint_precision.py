"""Taint precision on shapes real web applications use (issue 10, third round): lookups keyed by
request values, helpers that take `request`, guards on case-folded values."""

from __future__ import annotations

import textwrap

from taint_helpers import sink_origins
from vetline.rules.analysis.taint import Kind

DJANGO = """
from django.http import HttpResponse
from django.utils._os import safe_join
from people.models import User
"""


def kinds(body: str) -> list[Kind]:
    return [origin.kind for origin in sink_origins(DJANGO + textwrap.dedent(body))]


def test_a_record_looked_up_by_a_route_parameter_is_not_the_parameter() -> None:
    """Ensure that `User.objects.get(pk=pk)` and `store.get(uuid)` return stored data, not the key, while a default still flows."""
    body = """
    def view(request, pk):
        sink(User.objects.get(pk=pk))
        sink(datastore.data["watching"].get(pk))
        sink(request.GET.get("next"))
        sink(settings_table.get("key", pk))
    """
    assert kinds(body) == [Kind.UNKNOWN, Kind.UNKNOWN, Kind.TAINTED, Kind.TAINTED]


def test_a_helper_taking_request_gets_its_callers_arguments() -> None:
    """Ensure that a helper called in the file is judged by what its callers pass (request data stays tainted, a `safe_join` result is clean)."""
    body = """
    def save_user(request, next_page, form):
        sink(next_page)

    def build_response(request, full_path):
        sink(full_path)

    def view(request, path):
        save_user(request, path, None)
        return build_response(request=request, full_path=safe_join("/srv", path))
    """
    assert kinds(body) == [Kind.TAINTED, Kind.CONSTANT]


def test_helpers_calling_each_other_end() -> None:
    """Ensure that two helpers passing a value back and forth resolve (to unknown) instead of recursing forever."""
    body = """
    def ping(request, value):
        sink(value)
        return pong(request, value)

    def pong(request, value):
        return ping(request, value)
    """
    assert kinds(body) == [Kind.UNKNOWN]


def test_a_case_folded_comparison_with_a_constant_sanitises() -> None:
    """Ensure that `if fmt.upper() == "TXT":` leaves `fmt` clean inside the branch only."""
    body = """
    def download(request, fmt):
        if fmt.strip().upper() == "TXT":
            sink(fmt)
        sink(fmt)
    """
    assert kinds(body) == [Kind.CONSTANT, Kind.TAINTED]


def test_a_module_defining_its_own_compile_is_not_running_code() -> None:
    """Ensure that `compile(pattern)` is no finding in a module that defines `compile` (re2's wrapper), and is one elsewhere."""
    from vetline.rules.engine import Engine
    from vetline.rules.python import eval_of_dynamic_code

    wrapper = b"def compile(pattern, options=None):\n    return Pattern(pattern)\n\ndef search(pattern, text):\n    return compile(pattern).search(text)\n"
    plain = b"def search(pattern, text):\n    return compile(pattern, '<p>', 'exec')\n"
    engine = Engine([eval_of_dynamic_code.RULE])
    assert list(engine.analyze(wrapper, "python", "re2/__init__.py").findings) == []
    assert [f.start.line for f in engine.analyze(plain, "python", "lib/run.py").findings] == [1]


def test_a_django_view_parameter_typed_as_a_model_is_a_looked_up_object() -> None:
    """Ensure that `translation: Translation` (weblate's download helper) holds a record the caller
    looked up, while a `str` or unannotated URL capture stays request data."""
    body = """
    def download_translation_file(request, translation: Translation, fmt: str | None = None):
        sink(translation.filenames[0])
        sink(fmt)

    def show(request, name: str, page: Optional[str]):
        sink(name)
        sink(page)
    """
    assert kinds(body) == [Kind.UNKNOWN, Kind.TAINTED, Kind.TAINTED, Kind.TAINTED]
