"""`route-without-auth-check` on whole modules: guards that protect every route, DRF settings,
and the one note for an application that checks nobody."""

from __future__ import annotations

from pathlib import Path

from vetline.rules.engine import Engine
from vetline.rules.model import Severity
from vetline.rules.python.route_without_auth_check import RULE


def _findings(source: str, path: str = "app.py") -> list[tuple[int, Severity, str]]:
    engine = Engine([RULE])
    found = engine.analyze(source.encode(), "python", path).findings
    return [(f.start.line + 1, f.severity, f.message) for f in found]


def test_blueprint_before_request_guard_protects_its_routes() -> None:
    """Ensure that a blueprint `before_request` hook that checks the session silences its routes."""
    source = """
from flask import Blueprint, abort, session
admin = Blueprint("admin", __name__, url_prefix="/admin")
@admin.before_request
def require_admin():
    if not session.get("is_admin"):
        abort(403)
@admin.post("/users/<int:uid>/delete")
def delete_user(uid): ...
@admin.route("/settings", methods=["POST"])
def save_settings(): ...
"""
    assert _findings(source) == []


def test_hook_registered_by_a_call_protects_the_routes() -> None:
    """Ensure that `bp.before_request(login_required_hook)` counts as a guard of every route."""
    source = """
from flask import Blueprint
bp = Blueprint("orders", __name__)
bp.before_request(login_required_hook)
@bp.delete("/orders/<int:oid>")
def cancel(oid): ...
"""
    assert _findings(source) == []


def test_router_dependencies_protect_every_route_of_the_router() -> None:
    """Ensure that `APIRouter(dependencies=[Depends(...)])` protects its routes but not another router's."""
    source = """
from fastapi import APIRouter, Depends
admin = APIRouter(prefix="/admin", dependencies=[Depends(get_current_admin)])
public = APIRouter()
@admin.delete("/users/{uid}")
def delete_user(uid: int): ...
@public.get("/me")
def me(user=Depends(get_current_user)): ...
@public.post("/items")
def create_item(item: dict): ...
"""
    assert [(line, message.split("`")[1]) for line, _, message in _findings(source)] == [(10, "create_item")]


def test_aiohttp_auth_middleware_protects_the_application() -> None:
    """Ensure that `web.Application(middlewares=[auth_middleware])` guards the routes of the module."""
    source = """
from aiohttp import web
routes = web.RouteTableDef()
app = web.Application(middlewares=[auth_middleware])
@app.post("/notes")
async def create_note(request): ...
"""
    assert _findings(source) == []


def test_application_without_any_authentication_gets_one_low_note() -> None:
    """Ensure that a module whose routes check nobody gets one low note, not one finding per route."""
    source = """
from flask import Flask
app = Flask(__name__)
@app.post("/notes")
def create_note(): ...
@app.delete("/notes/<int:nid>")
def delete_note(nid): ...
@app.put("/notes/<int:nid>")
def update_note(nid): ...
"""
    found = _findings(source)
    assert [(line, severity) for line, severity, _ in found] == [(5, Severity.LOW)]
    assert "No route of this application checks who is calling" in found[0][2]
    assert "2 other state-changing routes" in found[0][2]


def test_module_without_the_application_and_without_auth_is_quiet() -> None:
    """Ensure that a blueprint module with no protection anywhere gets no finding (the app decides)."""
    source = """
from flask import Blueprint
bp = Blueprint("notes", __name__)
@bp.post("/notes")
def create_note(): ...
"""
    assert _findings(source) == []


def test_django_context_processor_is_not_a_view() -> None:
    """Ensure that `def settings(request): return {...}` is not a route, even beside protected views."""
    source = """
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
@login_required
def dashboard(request):
    return render(request, "dashboard.html")
def site_settings(request):
    return {"SITE_NAME": "shop", "DEBUG": False}
"""
    assert _findings(source, "shop/context_processors.py") == []
    assert _findings(source, "shop/views.py") == []


def test_drf_default_permission_classes_in_settings_protect_api_views(tmp_path: Path) -> None:
    """Ensure that DRF views are protected by `DEFAULT_PERMISSION_CLASSES` in the project's settings."""
    (tmp_path / "manage.py").write_text("")
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "api").mkdir()
    source = """
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView
class OrderApi(APIView):
    permission_classes = [IsAuthenticated]
    def post(self, request): ...
class RefundApi(APIView):
    def post(self, request, pk): ...
"""
    view = tmp_path / "shop" / "api" / "views.py"
    assert [line for line, _, _ in _findings(source, str(view))] == [8]
    (tmp_path / "shop" / "settings.py").write_text(
        "REST_FRAMEWORK = {\n    'DEFAULT_PERMISSION_CLASSES': [\n        'rest_framework.permissions.IsAuthenticated',\n    ]\n}\n"
    )
    (tmp_path / "other").mkdir()
    other = tmp_path / "other" / "views.py"  # a new folder: the lookup is cached per folder
    assert _findings(source, str(other)) == []


def test_drf_allow_any_default_protects_nothing(tmp_path: Path) -> None:
    """Ensure that `DEFAULT_PERMISSION_CLASSES = [AllowAny]` does not count as protection."""
    (tmp_path / "setup.py").write_text("")
    (tmp_path / "settings.py").write_text(
        "REST_FRAMEWORK = {'DEFAULT_PERMISSION_CLASSES': ('rest_framework.permissions.AllowAny',)}\n"
    )
    source = """
from rest_framework.views import APIView
class OrderApi(APIView):
    permission_classes = [IsAdminUser]
    def post(self, request): ...
class RefundApi(APIView):
    def delete(self, request, pk): ...
"""
    assert [line for line, _, _ in _findings(source, str(tmp_path / "views.py"))] == [7]


def test_http_server_handler_methods_are_routes() -> None:
    """Ensure that `do_POST` of a BaseHTTPRequestHandler lacking its sibling's check is reported."""
    source = """
from http.server import BaseHTTPRequestHandler
class Handler(BaseHTTPRequestHandler):
    def do_PUT(self):
        if self.headers.get("Authorization") != TOKEN:
            self.send_error(401)
            return
    def do_DELETE(self):
        self.server.store.pop(self.path)
"""
    # A check in a body is a guard of that handler, not the standard its siblings must meet.
    assert _findings(source) == []
