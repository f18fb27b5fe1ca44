"""Per-rule options of `route-without-auth-check`: project-specific auth decorators and dependencies."""

from __future__ import annotations

from vetline.rules.engine import Engine
from vetline.rules.python.route_without_auth_check import RULE

FLASK_SOURCE = b"""
from flask import Flask
app = Flask(__name__)
@app.post("/orders")
@gatekeeper
def create_order(): ...
"""

FASTAPI_SOURCE = b"""
from fastapi import Depends, FastAPI
app = FastAPI()
@app.delete("/orders/{order_id}")
def cancel_order(order_id: int, who=Depends(load_caller)): ...
"""


def _lines(source: bytes, options: dict[str, object] | None = None) -> list[int]:
    engine = Engine([RULE], {RULE.id: options} if options else None)
    return [f.start.line + 1 for f in engine.analyze(source, "python", "app.py").findings]


def test_unknown_decorator_does_not_count_as_authentication() -> None:
    """Ensure that a decorator the rule does not know leaves the route reported on its name."""
    assert _lines(FLASK_SOURCE) == [6]


def test_configured_auth_decorator_silences_the_route() -> None:
    """Ensure that names in the `auth_decorators` option count as authentication checks."""
    assert _lines(FLASK_SOURCE, {"auth_decorators": ["gatekeeper"]}) == []


def test_configured_auth_dependency_silences_the_route() -> None:
    """Ensure that names in the `auth_dependencies` option count as FastAPI auth dependencies."""
    assert _lines(FASTAPI_SOURCE) == [5]
    assert _lines(FASTAPI_SOURCE, {"auth_dependencies": ["load_caller"]}) == []


def test_before_request_hook_that_checks_the_session_protects_every_route() -> None:
    """Ensure that a Flask `before_request` hook with an auth check silences the file's routes."""
    hooked = (
        FLASK_SOURCE
        + b"""
@app.before_request
def require_login():
    if not session.get("user_id"):
        abort(401)
"""
    )
    assert _lines(hooked) == []
