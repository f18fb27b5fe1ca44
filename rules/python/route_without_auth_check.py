"""State-changing or admin request handlers with no authentication or authorization check."""

from __future__ import annotations

import re

from tree_sitter import Node

from ..analysis.nodes import ancestor
from ..analysis.web import (
    Route,
    function_name,
    has_auth_check,
    has_auth_decorator,
    has_auth_dependency,
    has_auth_hook,
    is_web_module,
    route_of,
)
from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity
from ..patterns import linear

_SENSITIVE_PATH = linear(
    r"admin|delete|remove|update|edit|destroy|reset|upload|settings|config|manage|grant|promote|"
    r"transfer|withdraw|refund|impersonate",
    re.IGNORECASE,
)
_PUBLIC_PATH = linear(
    r"login|logout|sign_?in|sign_?up|register|token|oauth|callback|webhook|health|ping|status|"
    r"forgot|password_?reset|verify|confirm|activate|public|contact|subscribe|feedback",
    re.IGNORECASE,
)


def needs_auth(route: Route, name: str) -> bool:
    """POST/PUT/PATCH/DELETE, or an admin/delete/update-looking path or name, unless clearly public."""
    where = f"{route.path or ''} {name}"
    if _PUBLIC_PATH.search(where.replace("-", "_")):
        return False
    return route.changes_state or looks_sensitive(route, name)


def looks_sensitive(route: Route, name: str) -> bool:
    """The path or the handler's name says admin/delete/update/...: more than the HTTP method alone."""
    return bool(_SENSITIVE_PATH.search(f"{route.path or ''} {name}"))


def is_protected(match: Match, function: Node) -> bool:
    """Any sign of authentication: decorator, dependency, body check, checking class or hook."""
    ctx = match.ctx
    names, dependencies = match.option("auth_decorators", []), match.option("auth_dependencies", [])
    parameters = function.child_by_field_name("parameters")
    owner = ancestor(function, "class_definition")
    return (
        has_auth_decorator(ctx, function, names, dependencies)
        or (parameters is not None and has_auth_dependency(ctx, parameters, dependencies))
        or has_auth_check(ctx, function.child_by_field_name("body"))
        or (owner is not None and (has_auth_decorator(ctx, owner, names) or has_auth_check(ctx, owner)))
        or has_auth_hook(ctx, function)
    )


def unauthenticated(match: Match) -> bool | Report:
    function = match.target.parent
    if function is None or not is_web_module(match.ctx):
        return False
    if (
        match.node("request") is not None
        and function.parent is not None
        and function.parent.type == "decorated_definition"
    ):
        return False  # the decorated pattern already matched this function
    route = route_of(match.ctx, function)
    name = function_name(function)
    if route is None or not needs_auth(route, name) or is_protected(match, function):
        return False
    what = "/".join(sorted(route.methods)) + (f" {route.path}" if route.path else " requests")
    return Report(
        message=f"`{name}` handles {what} without any authentication or authorization check.",
        severity=None if looks_sensitive(route, name) else Severity.MEDIUM,  # the method is the only signal
    )


RULE = Rule(
    id="route-without-auth-check",
    title="State-changing route without authentication",
    category=Category.ACCESS_CONTROL,
    cwe=(862,),
    owasp=("A01:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({"python"}),
    query="""
(decorated_definition definition: (function_definition name: (identifier) @target))
(function_definition name: (identifier) @target parameters: (parameters . (identifier) @request (#eq? @request "request")))
(function_definition name: (identifier) @target (#any-of? @target "post" "put" "patch" "delete")
  parameters: (parameters . (identifier) . (identifier) @request (#eq? @request "request")))
""",
    where=unauthenticated,
    options={"auth_decorators": [], "auth_dependencies": []},
    message="This request handler changes state without any authentication or authorization check.",
    docs="""## Why is this bad?
A handler that creates, changes or deletes data (POST, PUT, PATCH, DELETE, or an admin-looking
path) and never checks who is calling lets anyone on the network do it. Generated endpoints
routinely ship without the `@login_required` or `Depends(get_current_user)` the rest of the
application uses.

The rule looks for an auth decorator (`login_required`, `jwt_required`, `permission_required`,
DRF `permission_classes`, anything naming login/auth/permission/role/admin), a FastAPI
`Security(...)` or `Depends(...)` on a user/auth/token dependency, a check in the body
(`current_user`, `request.user.is_authenticated`, `session.get(...)`, `abort(401)`), a
checking class (mixins, `permission_classes`) or a Flask `before_request` hook. A decorator
defined in the same file counts when its name says auth (`api_key`, `token`, `signed`, ...) or
its wrapper turns callers away (`abort(401)`, `raise HTTPException(status_code=403)`,
`raise PermissionDenied`, `return ..., 401`). Login, sign-up, webhook and health endpoints are
public by design and skipped.

Severity is high when the path or handler name looks sensitive (admin, delete, update,
settings, ...) and medium when the HTTP method (POST/PUT/PATCH/DELETE) is the only signal, as
in `POST /users`: such an endpoint is often public on purpose.

## How to fix
Protect the handler with the application's authentication (`@login_required`,
`Depends(get_current_user)`, `permission_classes = [IsAuthenticated]`) and check that the
caller may act on the object. Add project-specific decorator and dependency names with the
rule options `auth_decorators` and `auth_dependencies`.
""",
    references=(
        "https://cheatsheetseries.owasp.org/cheatsheets/Authorization_Cheat_Sheet.html",
        "https://fastapi.tiangolo.com/tutorial/security/get-current-user/",
        "https://flask-login.readthedocs.io/en/latest/#flask_login.login_required",
        "https://docs.djangoproject.com/en/stable/topics/auth/default/#limiting-access-to-logged-in-users",
        "https://cwe.mitre.org/data/definitions/862.html",
    ),
    examples="""
from django.views.decorators.http import require_POST
from fastapi import APIRouter, Depends, FastAPI, Security
from flask import Flask, abort, session
from flask_login import login_required
app, api, router = Flask(__name__), FastAPI(), APIRouter()
@app.route("/users/<int:user_id>", methods=["DELETE"])
# ruleid: route-without-auth-check
def delete_user(user_id): ...
@app.get("/admin/stats")
# ruleid: route-without-auth-check
def stats(): ...
@router.post("/items")
# ruleid: route-without-auth-check
async def create_item(item: Item, db: Session = Depends(get_session)):
    db.session.get(Item, 1)
@require_POST
# ruleid: route-without-auth-check
def update_profile(request): ...
class ArticleView(View):
    def delete(self, request, pk): ...  # ruleid: route-without-auth-check
@app.route("/users/<int:user_id>", methods=["DELETE"])
@login_required
# ok: route-without-auth-check
def remove_user(user_id): ...
@api.put("/items/{item_id}")
# ok: route-without-auth-check
def put_item(item_id: int, user: User = Depends(get_current_user)): ...
@api.patch("/items/{item_id}", dependencies=[Security(api_key_scheme)])
# ok: route-without-auth-check
def patch_item(item_id: int): ...
@app.post("/settings")
# ok: route-without-auth-check
def save_settings():
    if not session.get("user_id"):
        abort(401)
@app.post("/login")
# ok: route-without-auth-check
def login(): ...
@app.get("/items")
# ok: route-without-auth-check
def list_items(): ...
class SecureView(LoginRequiredMixin, View):
    def post(self, request): ...  # ok: route-without-auth-check
def show(request): ...  # ok: route-without-auth-check
def gatekeeper(f):
    @wraps(f)
    def inner(*a, **kw):
        if request.headers.get("X-API-Key") != API_KEY:
            abort(401)
        return f(*a, **kw)
    return inner
def staff_gate(view):
    def wrapper(request, *a, **kw):
        if not request.headers.get("X-Staff"):
            return {"error": "forbidden"}, 403
        return view(request, *a, **kw)
    return wrapper
def audit(f):
    return f
@app.route("/posts/<int:pid>/key", methods=["DELETE"])
@gatekeeper
# ok: route-without-auth-check
def delete_post_key(pid): ...
@app.route("/posts/<int:pid>/pin", methods=["POST"])
@staff_gate
# ok: route-without-auth-check
def pin_post(pid): ...
@app.route("/posts/<int:pid>", methods=["DELETE"])
@require_api_key
# ok: route-without-auth-check
def delete_post(pid): ...
@api.post("/reports")
@signed_request
# ok: route-without-auth-check
def upload_report(): ...
@app.route("/users", methods=["POST"])
@audit
# ruleid: route-without-auth-check
def create_user(): ...
@app.post("/items/<int:item_id>/archive")
@login_required
# todoruleid: route-without-auth-check
def archive(item_id): ...  # authenticated but no check that the caller owns the item (authorization)
""",
)
