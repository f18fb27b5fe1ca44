"""State-changing or admin request handlers with no authentication or authorization check."""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Node

from ..analysis import frameworks as fw
from ..analysis.auth import BODY_CHECK, file_protection, own_protection
from ..analysis.nodes import ancestor, decorators
from ..analysis.registration import Wiring, wiring_near
from ..analysis.test_code import is_test_code
from ..analysis.web import Route, function_name, is_web_module, route_of
from ..context import FileContext, Match
from ..model import Category, Confidence, Report, Rule, Severity

# Calls that create the application object: where the one "no authentication anywhere" note goes.
APP_CONSTRUCTORS = (b"Flask(", b"Quart(", b"FastAPI(", b"Starlette(", b"Sanic(", b"web.Application(", b"Litestar(")
_SURVEY = "_vetline_route_survey"
_WIRING = "_vetline_route_wiring"


@dataclass(frozen=True)
class Handler:
    """One request handler of the file: where it is, how it is reached, what protects it."""

    function: Node
    route: Route
    name: str
    protection: str | None  # its own decorator/dependency/check/class, described; None when unprotected


def context_words(function: Node, route: Route, name: str) -> str:
    """The path, the handler's name and its class's name: what says "login page" or "admin"."""
    owner = ancestor(function, "class_definition")
    owner_name = owner.child_by_field_name("name") if owner is not None else None
    words = f"{route.path or ''} {name} {(owner_name.text or b'').decode() if owner_name is not None else ''}"
    return words.replace("-", "_")


def module_words(ctx: FileContext) -> str:
    """The module's file and folder names (`apps/basket/views.py`): a whole module can be public."""
    parts = ctx.path.replace("\\", "/").split("/")[-3:]
    return " ".join(parts).replace("-", "_")


def is_public_by_design(ctx: FileContext, handler: Handler) -> bool:
    """Login, sign-up, password reset, token, health: reachable before anyone logs in. A webhook
    is public when it verifies the sender's signature."""
    words = context_words(handler.function, handler.route, handler.name)
    if fw.PUBLIC_ROUTE.search(words) or fw.PUBLIC_ROUTE.search(module_words(ctx)):
        return True
    body = handler.function.child_by_field_name("body")
    text = ctx.source[body.start_byte : body.end_byte] if body is not None else b""
    if fw.CARRIED_TOKEN.search(text):
        return True  # the link's token is the credential (`confirmation_token=post_data.get("token")`)
    return bool(fw.WEBHOOK_ROUTE.search(words)) and fw.SIGNATURE_CHECK.search(text) is not None


def needs_auth(ctx: FileContext, handler: Handler) -> bool:
    """A state-changing method, or a GET of an admin page that does more than render a form."""
    if handler.route.changes_state:
        return True
    words = context_words(handler.function, handler.route, handler.name)
    return bool(fw.ADMIN_ROUTE.search(words)) and not only_renders(ctx, handler.function)


def only_renders(ctx: FileContext, function: Node) -> bool:
    """The handler renders a template (a form, a page) and writes nothing."""
    body = function.child_by_field_name("body")
    text = ctx.source[body.start_byte : body.end_byte] if body is not None else b""
    return fw.RENDERS.search(text) is not None and fw.WRITES.search(text) is None


def looks_sensitive(handler: Handler) -> bool:
    """The path or the handler's name says admin/delete/update/...: more than the HTTP method alone."""
    return bool(fw.SENSITIVE_ROUTE.search(f"{handler.route.path or ''} {handler.name}"))


def in_mixin(ctx: FileContext, function: Node) -> bool:
    """A method of a mixin (`class OrderChangeMixin:`): the concrete view that uses it decides the protection."""
    owner = ancestor(function, "class_definition")
    name = ctx.text(owner.child_by_field_name("name")) if owner is not None else ""
    return owner is not None and (name.endswith("Mixin") or owner.child_by_field_name("superclasses") is None)


def wired_elsewhere(ctx: FileContext, handler: Handler) -> bool:
    """Its URL registration wraps it in a check (`staff_member_required(ExportView.as_view())`,
    `admin_url("...views.ImportView")`), or it is a view body other views call with their `request`."""
    if _WIRING not in ctx.__dict__:
        ctx.__dict__[_WIRING] = wiring_near(ctx)
    wiring: Wiring = ctx.__dict__[_WIRING]
    if any(receiver in wiring.guarded for receiver in _receivers(ctx, handler.function)):
        return True  # `@admin_bp.before_request` in a module next to this one checks the caller
    owner = ancestor(handler.function, "class_definition")
    named = owner.child_by_field_name("name") if owner is not None else None
    if named is not None:
        return ctx.text(named) in wiring.protected
    return handler.name in wiring.protected or handler.name in wiring.helpers


def _receivers(ctx: FileContext, function: Node) -> set[str]:
    """`bp` of `@bp.route(...)`: the objects the handler's route decorators are called on."""
    found = set()
    for decorator in decorators(function):
        callee = decorator.child_by_field_name("function") if decorator.type == "call" else None
        if callee is not None and callee.type == "attribute":
            found.add(ctx.text(callee.child_by_field_name("object")))
    return found


def survey(match: Match) -> list[Handler]:
    """Every request handler of the file with its own protection (computed once per file)."""
    ctx = match.ctx
    if _SURVEY not in ctx.__dict__:
        names, dependencies = match.option("auth_decorators", []), match.option("auth_dependencies", [])
        handlers, stack = [], [ctx.tree.root_node] if ctx.tree is not None else []
        while stack:
            node = stack.pop()
            if node.type == "function_definition":
                route = route_of(ctx, node)
                if route is not None and not in_mixin(ctx, node):
                    protection = own_protection(ctx, node, names, dependencies)
                    handlers.append(Handler(node, route, function_name(node), protection))
            stack.extend(reversed(node.named_children))
        ctx.__dict__[_SURVEY] = sorted(handlers, key=lambda h: h.function.start_byte)
    return ctx.__dict__[_SURVEY]


def open_handlers(match: Match) -> list[Handler]:
    """The file's handlers that need a check, have none of their own and are not guarded file-wide
    (computed once per file: each route's match asks)."""
    ctx = match.ctx
    return ctx.fact(
        "route.open",
        lambda: [
            h
            for h in survey(match)
            if h.protection is None
            and not is_public_by_design(ctx, h)
            and needs_auth(ctx, h)
            and not file_protection(ctx, h.function)
            and not wired_elsewhere(ctx, h)
        ],
    )


def protected_handlers(match: Match) -> tuple[list[Handler], list[Handler]]:
    """The handlers with declared protection, and the state-changing ones that set the standard:
    protected by declaration or file-wide (computed once per file)."""
    ctx = match.ctx

    def classify() -> tuple[list[Handler], list[Handler]]:
        declared = [h for h in survey(match) if h.protection not in (None, BODY_CHECK)]
        standard = [
            h
            for h in survey(match)
            if needs_auth(ctx, h)
            and not is_public_by_design(ctx, h)
            and (h.protection not in (None, BODY_CHECK) or file_protection(ctx, h.function))
        ]
        return declared, standard

    return ctx.fact("route.protected", classify)


def unauthenticated(match: Match) -> bool | Report:
    ctx, function = match.ctx, match.target.parent
    if function is None or not (is_web_module(ctx) or ctx.names.imports_module("http.server")):
        return False
    if is_test_code(ctx.path):
        return False  # a test application's routes serve no one
    if (
        match.node("request") is not None
        and function.parent is not None
        and function.parent.type == "decorated_definition"
    ):
        return False  # the decorated pattern already matched this function
    unprotected = open_handlers(match)
    handler = next((h for h in unprotected if h.function == function), None)
    if handler is None:
        return False
    what = "/".join(sorted(handler.route.methods)) + (f" {handler.route.path}" if handler.route.path else " requests")
    # A body check (`if request.user.is_authenticated:`) is often personalisation, not a guard: only
    # declared protection (decorator, dependency, class) makes the siblings' standard, and only when
    # at least as many state-changing siblings have it as lack it (else protection lives elsewhere:
    # URL configuration, middleware, a base class in another module).
    protected, standard = protected_handlers(match)
    if protected and len(standard) >= len(unprotected):
        sibling = protected[0]
        return Report(
            message=f"`{handler.name}` handles {what} without the authentication its siblings have "
            f"({sibling.protection} on `{sibling.name}`).",
            severity=None if looks_sensitive(handler) else Severity.MEDIUM,  # the method is the only signal
        )
    if protected:
        return False
    return _application_note(ctx, handler, unprotected)


def _application_note(ctx: FileContext, handler: Handler, unprotected: list[Handler]) -> bool | Report:
    """No route of the file checks anyone: one low note, on the first open route of the app's own module."""
    if handler is not unprotected[0] or not any(ctx.contains(call) for call in APP_CONSTRUCTORS):
        return False
    others = len(unprotected) - 1
    rest = f" and {others} other state-changing route{'s' if others != 1 else ''}" if others else ""
    return Report(
        message=f"No route of this application checks who is calling: `{handler.name}`{rest} can be used by "
        "anyone. Ignore this note if the application is public by design; otherwise add authentication.",
        severity=Severity.LOW,
        confidence=Confidence.LOW,
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
A handler that creates, changes or deletes data (POST, PUT, PATCH, DELETE, or an admin page)
and never checks who is calling lets anyone on the network do it. Generated endpoints routinely
ship without the `@login_required` or `Depends(get_current_user)` the rest of the application
uses: the signal is a state-changing route that lacks the protection its siblings have.

What counts as protection is one table per framework (`rules/analysis/frameworks.py`): auth
decorators (`login_required`, `permission_required`, `jwt_required`, DRF `permission_classes`,
anything naming login/auth/permission/role/admin, Flask-Principal `@admin_permission.require(403)`, an in-file decorator whose wrapper answers
401/403), FastAPI `Depends(...)`/`Security(...)` on a user/auth/token dependency, a check in the
body (`request.user.is_authenticated`, `current_user`, `abort(401)`), a class-based view's
mixins (`LoginRequiredMixin`, `PermissionRequiredMixin`, `UserPassesTestMixin`, guardian's
`ObjectPermissionRequiredMixin`, a project mixin named so or built on those in the same file),
`permission_classes`/`authentication_classes`/`permission_required` attributes,
`method_decorator(login_required, name="dispatch")`; and, for every route of the file, a
`before_request`/`before_app_request`/`url_value_preprocessor` hook that checks the caller, a
router or application built with `dependencies=[Depends(...)]` or auth `middlewares`, or DRF's
`DEFAULT_PERMISSION_CLASSES` in the project's settings module. Protection given where the URL
is registered counts too: a call whose name says it checks the caller (`staff_member_required`,
`login_required`, `admin_site.admin_view`, an admin framework's `admin_url`) taking the view among
its arguments in the view's module, a module next to it or one package up (`urls.py`,
`admin.py`, an admin module's `get_urls`). Policy decorators (`@prepolicy(check_base_action, ...)`)
are checks like any other.

Not reported: routes public by design (login, logout, sign-up, registration, password
reset/recovery, token, OAuth/OpenID authorization endpoints and callbacks, health and status
checks; webhooks that verify a signature; handlers authorised by a token the request carries,
such as an e-mail confirmation link's `data.get("token")`), GET handlers that only render a page or form or redirect, Django context processors and other
functions that take `request` but build no response, reusable view bodies that other views call
with their `request` (`return bans_view(request, template)`: the callers carry the protection),
and test code. A route is reported when
the file's other state-changing handlers are protected (at least as many with declared protection
as without: otherwise protection lives elsewhere, in URL configuration, middleware or a base
class in another module) and it is not. A module whose name says it is public (`basket/views.py`,
`auth/login.py`) is treated like a public route. When no handler of the module that creates the
application checks anyone, the module gets one low-severity note on its first open route,
instead of one finding per route: the application may be public by design.

Severity is high when the path or handler name looks sensitive (admin, delete, update,
settings, ...) and medium when the HTTP method is the only signal, as in `POST /items`.

## How to fix
Protect the handler the way its siblings are protected (`@login_required`,
`Depends(get_current_user)`, `permission_classes = [IsAuthenticated]`, `LoginRequiredMixin`)
and check that the caller may act on the object. Add project-specific decorator and dependency
names with the rule options `auth_decorators` and `auth_dependencies`.
""",
    references=(
        "https://cheatsheetseries.owasp.org/cheatsheets/Authorization_Cheat_Sheet.html",
        "https://fastapi.tiangolo.com/tutorial/security/get-current-user/",
        "https://flask-login.readthedocs.io/en/latest/#flask_login.login_required",
        "https://docs.djangoproject.com/en/stable/topics/auth/default/#limiting-access-to-logged-in-users",
        "https://cwe.mitre.org/data/definitions/862.html",
    ),
    examples="""
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin, UserPassesTestMixin
from django.contrib.auth.views import LoginView
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST
from django.views.generic import FormView, UpdateView, View
from fastapi import APIRouter, Depends, FastAPI, Security
from flask import Blueprint, Flask, abort, g, render_template, session
from flask_login import login_required
from guardian.mixins import ObjectPermissionRequiredMixin
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView
app, api = Flask(__name__), FastAPI()
router = APIRouter(prefix="/items")
admin_router = APIRouter(prefix="/admin", dependencies=[Depends(require_superuser)])
@app.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
# ok: route-without-auth-check
def edit_post(post_id): ...
@app.route("/users/<int:user_id>", methods=["DELETE"])
# ruleid: route-without-auth-check
def delete_user(user_id): ...
@app.route("/settings", methods=["POST"])
@Permissions.SETTINGS.require(403)
# ok: route-without-auth-check
def set_settings(): ...
@app.route("/cache", methods=["POST"])
@cache.require(403)
# ruleid: route-without-auth-check
def clear_cache(): ...
@app.get("/admin/stats")
# ruleid: route-without-auth-check
def stats():
    return {"users": User.query.count()}
@app.get("/admin/users/new")
# ok: route-without-auth-check
def new_user_form():
    return render_template("admin/user_form.html", form=UserForm())
@router.post("/")
# ruleid: route-without-auth-check
async def create_item(item: Item, db: Session = Depends(get_session)):
    db.add(Item(**item.dict()))
@require_POST
# ruleid: route-without-auth-check
def update_profile(request):
    return redirect("profile")
@require_POST
@moderator_required
# ok: route-without-auth-check
def move_topic(request, topic_id):
    Topic.objects.get(pk=topic_id).delete()
class MassRemovalView(View):
    @method_decorator(list_owner_required)
    def post(self, request, *args, **kwargs): ...  # ok: route-without-auth-check
class ArticleView(View):
    def delete(self, request, pk): ...  # ruleid: route-without-auth-check
@api.put("/items/{item_id}")
# ok: route-without-auth-check
def put_item(item_id: int, user: User = Depends(get_current_user)): ...
@api.patch("/items/{item_id}", dependencies=[Security(api_key_scheme)])
# ok: route-without-auth-check
def patch_item(item_id: int): ...
@admin_router.delete("/users/{user_id}")
# ok: route-without-auth-check
def purge_user(user_id: int): ...
@app.post("/settings")
# ok: route-without-auth-check
def save_settings():
    if not session.get("user_id"):
        abort(401)
@app.post("/login")
# ok: route-without-auth-check
def login(): ...
@app.post("/auth/email/update")
# ok: route-without-auth-check
def update_email():
    token = request.get_json().get("token")
    user = User.query.filter_by(confirmation_token=token).first()
class AuthorizeView(View):
    def post(self, request, *args, **kwargs): ...  # ok: route-without-auth-check
@app.route("/register", methods=["GET", "POST"])
# ok: route-without-auth-check
def register(): ...
@app.post("/password-reset/<token>")
# ok: route-without-auth-check
def reset_with_token(token): ...
@app.post("/auth/token")
# ok: route-without-auth-check
def issue_token(): ...
@app.get("/healthz")
# ok: route-without-auth-check
def healthz(): ...
@app.post("/webhooks/stripe")
# ok: route-without-auth-check
def stripe_webhook():
    event = stripe.Webhook.construct_event(request.data, request.headers["Stripe-Signature"], SECRET)
@app.post("/webhooks/legacy")
# ruleid: route-without-auth-check
def legacy_webhook():
    Order.query.get(request.json["id"]).mark_paid()
@app.get("/items")
# ok: route-without-auth-check
def list_items(): ...
class SecureView(LoginRequiredMixin, View):
    def post(self, request): ...  # ok: route-without-auth-check
class OrganizerPermissionMixin(PermissionRequiredMixin):
    permission_required = "events.change_organizer"
class OrganizerUpdate(OrganizerPermissionMixin, UpdateView):
    def post(self, request, *args, **kwargs): ...  # ok: route-without-auth-check
class OwnerOnly(UserPassesTestMixin, View):
    def post(self, request, pk): ...  # ok: route-without-auth-check
class TicketEdit(ObjectPermissionRequiredMixin, UpdateView):
    def post(self, request, pk): ...  # ok: route-without-auth-check
@method_decorator(login_required, name="dispatch")
class ExportView(View):
    def post(self, request): ...  # ok: route-without-auth-check
class ShopLogin(LoginView):
    def post(self, request, *args, **kwargs): ...  # ok: route-without-auth-check
class SignupView(FormView):
    def post(self, request, *args, **kwargs): ...  # ok: route-without-auth-check
class OrderApi(APIView):
    permission_classes = [IsAuthenticated]
    def post(self, request): ...  # ok: route-without-auth-check
class AnyoneApi(APIView):
    permission_classes = [AllowAny]
    def delete(self, request, pk): ...  # ruleid: route-without-auth-check
def settings(request):  # ok: route-without-auth-check
    return {"SITE_NAME": SITE_NAME}
def show(request):  # ok: route-without-auth-check
    return render(request, "show.html")
def gatekeeper(f):
    @wraps(f)
    def inner(*a, **kw):
        if request.headers.get("X-API-Key") != API_KEY:
            abort(401)
        return f(*a, **kw)
    return inner
def audit(f):
    return f
@app.route("/posts/<int:pid>/key", methods=["DELETE"])
@gatekeeper
# ok: route-without-auth-check
def delete_post_key(pid): ...
@app.route("/posts/<int:pid>", methods=["DELETE"])
@require_api_key
# ok: route-without-auth-check
def delete_post(pid): ...
@app.route("/users", methods=["POST"])
@audit
# ruleid: route-without-auth-check
def create_user(): ...
@app.route("/policies", methods=["POST"])
@prepolicy(check_base_action, request, PolicyAction.CONDITIONAL_ACCESS_WRITE)
# ok: route-without-auth-check
def create_policy(): ...
@app.get("/admin")
# ok: route-without-auth-check
def admin_index():
    return redirect("/admin/")
def bans_view(request, template, list_id=None):  # ok: route-without-auth-check
    if request.method == "POST":
        Ban.objects.create(email=request.POST["email"], list_id=list_id)
    return render(request, template, {"bans": Ban.objects.all()})
@require_POST
@login_required
# ok: route-without-auth-check
def list_bans(request, list_id):
    return bans_view(request, "bans.html", list_id)
def unban_view(request, list_id):  # ruleid: route-without-auth-check
    if request.method == "POST":
        Ban.objects.filter(list_id=list_id).delete()
    return redirect("list_bans", list_id)
@app.post("/items/<int:item_id>/archive")
@login_required
# todoruleid: route-without-auth-check
def archive(item_id): ...  # authenticated but no check that the caller owns the item (authorization)
""",
)
