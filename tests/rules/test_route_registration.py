"""`route-without-auth-check` and URL registration: views protected where their URL is declared,
and reusable view bodies that protected views call, in the shapes of shuup, postorius and Django admin."""

from __future__ import annotations

from pathlib import Path

from vetline.rules.engine import Engine
from vetline.rules.python.route_without_auth_check import RULE

ADMIN_VIEWS = """
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.views.generic import FormView, View
class ExportView(PermissionRequiredMixin, View):
    permission_required = "shop.export"
    def post(self, request, *args, **kwargs): ...
class ImportView(FormView):
    def post(self, request, *args, **kwargs):
        handle(request.FILES["file"])
"""


def _lines(path: Path) -> list[int]:
    found = Engine([RULE]).analyze(path.read_bytes(), "python", str(path)).findings
    return [f.start.line + 1 for f in found]


def _package(tmp_path: Path, views: str) -> Path:
    (tmp_path / "pyproject.toml").write_text("")
    package = tmp_path / "shop" / "importer"
    package.mkdir(parents=True)
    (tmp_path / "shop" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "views.py").write_text(views)
    return package


def test_view_unprotected_without_a_registration_is_reported(tmp_path: Path) -> None:
    """Ensure that a state-changing view lacking its siblings' mixin is reported when nothing registers it."""
    package = _package(tmp_path, ADMIN_VIEWS)
    (package / "urls.py").write_text('urlpatterns = [path("import/", views.ImportView.as_view())]\n')
    assert _lines(package / "views.py") == [8]


def test_admin_url_helper_registration_protects_the_view(tmp_path: Path) -> None:
    """Ensure that `admin_url("...import_views.ImportView")` in the package's module counts as protection."""
    package = _package(tmp_path, ADMIN_VIEWS)
    (package / "admin_module.py").write_text(
        "def get_urls(self):\n"
        '    return [admin_url(r"^importer/import/$", "shop.importer.views.ImportView", name="importer.import")]\n'
    )
    assert _lines(package / "views.py") == []


def test_staff_member_required_in_the_parent_urls_protects_the_view(tmp_path: Path) -> None:
    """Ensure that `staff_member_required(ImportView.as_view())` in the parent package's urls.py counts."""
    package = _package(tmp_path, ADMIN_VIEWS)
    (tmp_path / "shop" / "urls.py").write_text(
        "from django.contrib.admin.views.decorators import staff_member_required\n"
        "from .importer.views import ImportView\n"
        'urlpatterns = [path("import/", staff_member_required(ImportView.as_view()))]\n'
    )
    assert _lines(package / "views.py") == []


def test_admin_view_in_the_same_module_protects_the_view(tmp_path: Path) -> None:
    """Ensure that a ModelAdmin's `get_urls` wrapping the view in `self.admin_site.admin_view` counts."""
    registered = ADMIN_VIEWS + (
        "class ShopAdmin(admin.ModelAdmin):\n"
        "    def get_urls(self):\n"
        '        return [path("import/", self.admin_site.admin_view(ImportView.as_view()))]\n'
    )
    package = _package(tmp_path, registered)
    assert _lines(package / "views.py") == []


def test_a_test_module_calling_the_view_is_no_protection(tmp_path: Path) -> None:
    """Ensure that a test calling `views.delete_ban(request)` does not make the view a helper."""
    views = """
from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_POST
@require_POST
@login_required
def add_ban(request, list_id): ...
@require_POST
def delete_ban(request, list_id): ...
"""
    package = _package(tmp_path, views)
    (package / "test_views.py").write_text("def test_delete():\n    delete_ban(request, 'x')\n")
    assert _lines(package / "views.py") == [8]
    (package / "system.py").write_text(
        "@login_required\ndef global_bans(request):\n    return delete_ban(request, None)\n"
    )
    assert _lines(package / "views.py") == []


def test_before_request_hook_in_a_neighbouring_module_guards_the_blueprint(tmp_path: Path) -> None:
    """Ensure that `@bp.before_request` checking the auth token in `before_after.py` protects `bp`'s routes."""
    views = """
from flask import Blueprint, request
resolver_bp = Blueprint("resolver_bp", __name__)
@resolver_bp.route("/<name>", methods=["POST"])
@prepolicy(check_base_action, request, "write")
def set_resolver(name): ...
@resolver_bp.route("/test", methods=["POST"])
def test_resolver(): ...
"""
    package = _package(tmp_path, views)
    assert _lines(package / "views.py") == [8]
    (package / "before_after.py").write_text(
        "from .views import resolver_bp\n"
        "@resolver_bp.before_request\n"
        "@other_bp.before_request\n"
        "@admin_required\n"
        "def before_admin_request():\n"
        "    before_request()\n"
    )
    assert _lines(package / "views.py") == []


def test_before_request_hook_that_checks_nobody_guards_nothing(tmp_path: Path) -> None:
    """Ensure that a neighbouring `before_request` hook that only logs leaves the open route reported."""
    views = """
from flask import Blueprint, request
resolver_bp = Blueprint("resolver_bp", __name__)
@resolver_bp.route("/<name>", methods=["POST"])
@admin_required
def set_resolver(name): ...
@resolver_bp.route("/test", methods=["POST"])
def test_resolver(): ...
"""
    package = _package(tmp_path, views)
    (package / "hooks.py").write_text("@resolver_bp.before_request\ndef log_it():\n    log.info(request.path)\n")
    assert _lines(package / "views.py") == [8]
