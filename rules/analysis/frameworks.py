"""What each Python web framework uses to protect a route, as data: one table per framework.

Rules about access control read these tables (through `analysis.auth`) instead of keeping
their own lists: which decorators, mixins and class attributes check the caller, which hooks
and router arguments guard every route of an application or blueprint, which settings protect
every view by default, and which route names are public by design. A new framework is one
more `Framework` entry. Names are matched by their last dotted part (`login_required` matches
`django.contrib.auth.decorators.login_required` and a project's own `auth.login_required`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..patterns import backtracking, linear


@dataclass(frozen=True)
class Framework:
    """How one framework says "only some callers may reach this handler"."""

    name: str
    modules: tuple[str, ...]  # import roots that mean the file uses the framework
    decorators: frozenset[str] = frozenset()  # on a handler (or a class): checks the caller
    bases: frozenset[str] = frozenset()  # base classes / mixins of a class-based view that check the caller
    class_attributes: frozenset[str] = frozenset()  # class attributes that configure a check
    hooks: frozenset[str] = frozenset()  # register a function run before every route (`@bp.before_request`)
    guard_arguments: frozenset[str] = frozenset()  # app/router/blueprint arguments guarding every route
    default_settings: frozenset[str] = frozenset()  # settings that protect every view unless it opts out
    handler_bases: frozenset[str] = frozenset()  # classes whose `do_POST`/`post` methods are handlers
    public_bases: frozenset[str] = frozenset()  # class-based views that are public by design (the login page)


FLASK = Framework(
    name="Flask",
    modules=("flask", "quart", "flask_login", "flask_security", "flask_jwt_extended", "flask_httpauth"),
    decorators=frozenset(
        {
            "login_required",
            "fresh_login_required",
            "roles_required",
            "roles_accepted",
            "permissions_required",
            "auth_required",
            "jwt_required",
            "verify_jwt_in_request",
            "admin_required",
            "has_permission",
            "has_access",  # Flask-AppBuilder
            "has_access_api",
            "protect",
            "requires_auth",
            "token_required",
        }
    ),
    hooks=frozenset({"before_request", "before_app_request", "url_value_preprocessor"}),
)
DJANGO = Framework(
    name="Django",
    modules=("django",),
    decorators=frozenset(
        {
            "login_required",
            "permission_required",
            "user_passes_test",
            "staff_member_required",
            "superuser_required",
            "method_decorator",  # only with an auth decorator inside: see auth.class_decorator_checks
        }
    ),
    bases=frozenset(
        {
            "LoginRequiredMixin",
            "PermissionRequiredMixin",
            "UserPassesTestMixin",
            "AccessMixin",
            "StaffuserRequiredMixin",
            "SuperuserRequiredMixin",
            "GroupRequiredMixin",
            "ObjectPermissionRequiredMixin",  # django-guardian
            "PermissionListMixin",
        }
    ),
    public_bases=frozenset(
        {"LoginView", "LogoutView", "PasswordResetView", "PasswordResetConfirmView", "PasswordResetDoneView"}
    ),
    class_attributes=frozenset({"permission_required", "login_url", "raise_exception", "permission_denied_message"}),
)
DRF = Framework(
    name="Django REST framework",
    modules=("rest_framework",),
    decorators=frozenset({"permission_classes", "authentication_classes"}),
    class_attributes=frozenset({"permission_classes", "authentication_classes"}),
    default_settings=frozenset({"DEFAULT_PERMISSION_CLASSES", "DEFAULT_AUTHENTICATION_CLASSES"}),
    handler_bases=frozenset(
        {"APIView", "GenericAPIView", "ViewSet", "GenericViewSet", "ModelViewSet", "ReadOnlyModelViewSet"}
    ),
)
FASTAPI = Framework(
    name="FastAPI / Starlette",
    modules=("fastapi", "starlette"),
    decorators=frozenset({"requires"}),  # starlette.authentication.requires
    guard_arguments=frozenset({"dependencies", "middleware"}),
)
AIOHTTP = Framework(
    name="aiohttp",
    modules=("aiohttp", "aiohttp_security"),
    decorators=frozenset({"login_required", "has_permission", "check_authorized", "check_permission"}),
    guard_arguments=frozenset({"middlewares"}),
)
HTTP_SERVER = Framework(
    name="http.server",
    modules=("http.server", "socketserver"),
    handler_bases=frozenset({"BaseHTTPRequestHandler", "SimpleHTTPRequestHandler", "CGIHTTPRequestHandler"}),
)
FRAMEWORKS: tuple[Framework, ...] = (FLASK, DJANGO, DRF, FASTAPI, AIOHTTP, HTTP_SERVER)

AUTH_DECORATORS = frozenset().union(*(f.decorators for f in FRAMEWORKS)) - {"method_decorator"}
AUTH_BASES = frozenset().union(*(f.bases for f in FRAMEWORKS))
AUTH_CLASS_ATTRIBUTES = frozenset().union(*(f.class_attributes for f in FRAMEWORKS))
HOOKS = frozenset().union(*(f.hooks for f in FRAMEWORKS))
GUARD_ARGUMENTS = frozenset().union(*(f.guard_arguments for f in FRAMEWORKS))
DEFAULT_PERMISSION_SETTINGS = frozenset().union(*(f.default_settings for f in FRAMEWORKS))
HANDLER_BASES = frozenset().union(*(f.handler_bases for f in FRAMEWORKS))
PUBLIC_BASES = frozenset().union(*(f.public_bases for f in FRAMEWORKS))

# A project's own decorator, dependency or mixin whose name says it checks the caller
# (`@require_api_key`, `Depends(get_current_user)`, `class OrgPermissionRequiredMixin`, `@moderator_required`: any `*_required`;
# privacyIDEA's `@prepolicy(check_base_action, request, ...)`: an access policy checked before the handler).
AUTH_NAME = backtracking(
    r"login|auth|permission|perm_|jwt|admin|role|token|api_?key|signed|requires?_(?!(?:post|get|safe|http_methods)$)|staff|superuser|user_passes"
    r"|protect|guard|member|owner|moderator|polic(?:y|ies)|_required$",
    re.IGNORECASE,
    why="an alternation of words and one look-ahead over four words anchored at the end: each start costs a bounded length",
)
# `Depends(get_session)` is a database session, so "session" is deliberately not a dependency hint.
AUTH_DEPENDENCY = linear(
    r"user|auth|token|admin|verify|api_?key|permission|login|principal|oauth|jwt|cred|account|check_|require|guard"
    r"|wallet_key|current",
    re.IGNORECASE,
)
# Code that authenticates the caller, inside a handler body, a class or a `before_request` hook.
BODY_CHECK = linear(
    rb"is_authenticated|has_perm|is_staff|is_superuser|current_user|get_jwt_identity|verify_jwt|verify_token"
    rb"|check_auth|authenticate|authorize|abort\(\s*40[13]|HTTP_40[13]|status_code\s*=\s*40[13]|\b40[13]\s*\)"
    rb"|PermissionDenied|Unauthorized|Forbidden|session\.get\(\s*[\"']|session\[\s*[\"']|in session|g\.user"
    rb"|request\.user|permission_classes|LoginRequired|PermissionRequired|UserPassesTest|Authorization|api_key|x-api-key"
    rb"|check_permission|has_permission|require_login|login_required",
    re.IGNORECASE,
)
# A decorator defined in the file is an auth check when its wrapper turns callers away with 401/403.
DENIES = linear(
    rb"abort\(\s*40[13]\b|HTTPException\([^)]*\b40[13]\b|HTTP_40[13]|status(?:_code)?\s*=\s*40[13]\b"
    rb"|PermissionDenied|HttpResponseForbidden|\braise\s+(?:\w+\.)*(?:Unauthorized|Forbidden)\b"
    rb"|\breturn\b[^\n]*,\s*40[13]\b"
)

# Routes that must be reachable before anyone is logged in: public by design.
PUBLIC_ROUTE = linear(
    r"log_?in|log_?out|sign_?in|sign_?out|sign_?up|register|registration|create_account|join|invit"
    r"|token|refresh|oauth|openid|oidc|saml|sso|callback|authenticate|authori[sz]e|otp|2fa|mfa"
    r"|forgot|password_?reset|reset_?password|recover|remind|lost_?password|verify|confirm|activate|unsubscribe"
    r"|health|ping|status|ready|alive|liveness|readiness|metrics|version|robots|well_known|csrf|captcha"
    r"|public|contact|subscribe|feedback|bad_origin|csp_report|report_uri|cart|basket|search|preview",
    re.IGNORECASE,
)
# A handler that reads a token from the request and acts on the account it names is authorised
# by that token (an e-mail confirmation, an invitation or a reset link): `data.get("token")`.
CARRIED_TOKEN = linear(rb"""(?:\.get\(|\[)\s*["']\w{0,20}token["']""", re.IGNORECASE)
# Webhooks are public when they verify the sender's signature (Stripe, GitHub, Slack, PayPal IPN).
WEBHOOK_ROUTE = linear(r"webhook|hook|ipn|notify|notification", re.IGNORECASE)
SIGNATURE_CHECK = linear(
    rb"signature|compare_digest|hmac|construct_event|verify_webhook|X-Hub-Signature|validate_request|verify\(",
    re.IGNORECASE,
)
# Paths and names that make even a GET sensitive (an admin page), and those that only change state.
SENSITIVE_ROUTE = linear(
    r"admin|delete|remove|update|edit|destroy|reset|upload|settings|config|manage|grant|promote|"
    r"transfer|withdraw|refund|impersonate",
    re.IGNORECASE,
)
ADMIN_ROUTE = linear(r"admin|manage|impersonate|superuser|staff", re.IGNORECASE)
# A handler that only shows a page or sends the browser on (`/admin` -> `/admin/`): a render or
# redirect call, and nothing that writes.
RENDERS = linear(
    rb"\b(?:render|render_template|TemplateResponse|render_to_response|template_response"
    rb"|redirect|RedirectResponse|HttpResponseRedirect)\("
)
WRITES = linear(
    rb"\.(?:save|delete|create|update|commit|add|remove|execute|insert|bulk_create|set|destroy|flush)\(|\bdel\b"
)
# Django functions that take `request` but are not views.
NOT_VIEW_MODULES = ("context_processors.py", "middleware.py", "templatetags")

# Exceptions whose message is written for the client: validation and HTTP errors of the frameworks.
CLIENT_ERROR_CLASSES = frozenset(
    {
        "ValidationError",  # Django forms/models, DRF serializers, pydantic, marshmallow, wtforms
        "ValidationException",
        "RequestValidationError",
        "PermissionDenied",
        "Http404",
        "BadRequest",
        "NotFound",
        "SuspiciousOperation",
        "ParseError",
        "APIException",
        "HTTPException",
        "HTTPBadRequest",  # aiohttp
        "FormError",
        "ObjectDoesNotExist",
        "DoesNotExist",
    }
)
# Exceptions whose text carries internals (SQL, paths, hosts, library versions): besides Python's
# own exception classes, those of database drivers, HTTP clients, templates and serialisers.
INTERNAL_ERROR_CLASSES = frozenset(
    {
        "DatabaseError",
        "IntegrityError",
        "OperationalError",
        "ProgrammingError",
        "DataError",
        "InterfaceError",
        "InternalError",
        "SQLAlchemyError",
        "DBAPIError",
        "StatementError",
        "RequestException",
        "HTTPError",
        "ClientError",
        "ClientResponseError",
        "BotoCoreError",
        "CalledProcessError",
        "TemplateError",
        "TemplateSyntaxError",
        "JSONDecodeError",
        "YAMLError",
        "UnpicklingError",
        "SMTPException",
        "LDAPError",
        "PyMongoError",
        "RedisError",
        "SSLError",
    }
)
