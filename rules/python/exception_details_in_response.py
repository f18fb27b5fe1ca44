"""Exception messages and tracebacks sent back to the client in an HTTP response."""

from __future__ import annotations

import builtins
import re
from collections.abc import Iterator

from tree_sitter import Node

from ..analysis import frameworks as fw
from ..analysis.nodes import ancestor
from ..analysis.web import is_response_call, is_web_module, route_of
from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity
from ..patterns import linear

TRACEBACK_CALLS = frozenset(
    {
        "traceback.format_exc",
        "traceback.format_exception",
        "traceback.format_tb",
        "traceback.format_stack",
        "sys.exc_info",
    }
)
BROAD_EXCEPTIONS = frozenset({"Exception", "BaseException"})
# Attributes of an exception meant for clients (HTTP errors) or that reveal nothing.
_HARMLESS_ATTRIBUTES = frozenset({"code", "status_code", "status", "description", "detail", "name"})
_NESTED_SCOPES = frozenset({"function_definition", "class_definition", "lambda"})
# Helpers whose name says they turn the exception into text (`extract_message(e)`, `format_exc(e)`).
_SHOWS_TEXT = linear(r"str|repr|text|message|detail|format|reason|describe|serial|dump|json|dict", re.IGNORECASE)
_CLIENT_STATUS = linear(
    rb"\b4(?:0[0-9]|1[0-9]|2[0-9])\b|HTTP_4\d\d|BAD_REQUEST|NOT_FOUND|FORBIDDEN|UNAUTHORIZED|UNPROCESSABLE|CONFLICT"
    # Client-error exceptions (Django `Http404`, `PermissionDenied`; werkzeug/DRF `NotFound`, `BadRequest`).
    rb"|\b(?:Http404|PermissionDenied|SuspiciousOperation|BadRequest|NotFound|Forbidden)\b"
    # Django's 4xx response classes (`HttpResponseBadRequest("Invalid ?entries= value: %s" % e)`).
    rb"|\bHttpResponse(?:BadRequest|NotFound|Forbidden|NotAllowed|Gone)\b"
)
_PYTHON_EXCEPTIONS = frozenset(
    name for name, value in vars(builtins).items() if isinstance(value, type) and issubclass(value, BaseException)
)


def _is_4xx(match: Match, response: Node) -> bool:
    """The response says the client erred (400, `HTTPStatus.BAD_REQUEST`, `status.HTTP_404_NOT_FOUND`),
    in the call or in the statement that returns it (`return jsonify(error=str(e)), 404`)."""
    statement = ancestor(response, "return_statement") or ancestor(response, "raise_statement") or response
    return _CLIENT_STATUS.search(match.ctx.source[statement.start_byte : statement.end_byte]) is not None


def _internal(classes: list[str]) -> bool:
    """A database, HTTP-client or template library error: its text describes the server."""
    return bool(fw.INTERNAL_ERROR_CLASSES.intersection(classes))


def is_user_facing(name: str) -> bool:
    """A validation/HTTP error, or a project's own exception class (raised with its own message)."""
    if name in fw.CLIENT_ERROR_CLASSES or name.endswith(("ValidationError", "ValidationException")):
        return True
    return name not in _PYTHON_EXCEPTIONS and name not in fw.INTERNAL_ERROR_CLASSES


def leak_in(match: Match, node: Node, name: str | None) -> Node | None:
    """The sub-expression of `node` that shows the exception `name` or a traceback, or None."""
    if node.type == "identifier":
        return node if name is not None and match.ctx.text(node) == name else None
    if node.type == "keyword_argument":  # `error=gettext(...)`: the keyword is no reference to `error`
        value = node.child_by_field_name("value")
        return leak_in(match, value, name) if value is not None else None
    if node.type == "attribute":
        attribute = match.ctx.text(node.child_by_field_name("attribute"))
        return None if attribute in _HARMLESS_ATTRIBUTES else leak_in(match, node.child_by_field_name("object"), name)  # type: ignore[arg-type]
    if node.type == "call":
        callee = match.ctx.qualified_name(node.child_by_field_name("function")) or ""
        if callee in TRACEBACK_CALLS:
            return node
        if callee in ("type", "isinstance", "len", "bool") or callee.startswith("logging."):
            return None  # `type(e).__name__` names the class only
        if name is not None and _hands_over(match, node, callee):
            return _leak_in_other_arguments(match, node, name)
    if node.type in _NESTED_SCOPES:
        return None
    return next(filter(None, (leak_in(match, child, name) for child in node.named_children)), None)


def _hands_over(match: Match, call: Node, callee: str) -> bool:
    """`handle_error(e, db=db)`: the exception object goes to a helper that logs it and answers
    generically; only a response builder or a text extractor (`extract_message(e)`) shows it."""
    return not is_response_call(match.ctx, call) and not _SHOWS_TEXT.search(callee.rsplit(".", 1)[-1])


def _leak_in_other_arguments(match: Match, call: Node, name: str) -> Node | None:
    """A leak in the call's arguments other than the bare exception object itself."""
    arguments = call.child_by_field_name("arguments")
    for argument in arguments.named_children if arguments is not None else ():
        value = argument.child_by_field_name("value") if argument.type == "keyword_argument" else argument
        if value is not None and value.type == "identifier" and match.ctx.text(value) == name:
            continue
        leak = leak_in(match, argument, name)
        if leak is not None:
            return leak
    callee = call.child_by_field_name("function")
    return leak_in(match, callee, name) if callee is not None and callee.type == "attribute" else None


def responses(match: Match, block: Node) -> Iterator[Node]:
    """Return statements and response-building calls of an except block, nested scopes excluded."""
    stack = list(reversed(block.named_children))
    while stack:
        node = stack.pop()
        if node.type in _NESTED_SCOPES:
            continue
        if node.type == "return_statement" or is_response_call(match.ctx, node) or _writes_to_client(match, node):
            yield node
        stack.extend(reversed(node.named_children))


def _writes_to_client(match: Match, node: Node) -> bool:
    """`self.wfile.write(...)`: an `http.server` handler writing its response body."""
    if node.type != "call":
        return False
    return match.ctx.text(node.child_by_field_name("function")) in ("self.wfile.write", "self.wfile.writelines")


def caught(match: Match) -> tuple[str | None, list[str]]:
    """The name bound by `except ... as name` and the names of the caught exception classes."""
    value = match.target.child_by_field_name("value")
    if value is None:
        return None, []
    bound = None
    if value.type == "as_pattern":
        alias = value.child_by_field_name("alias")
        bound = match.ctx.text(alias) or None
        value = value.named_children[0]
    classes = value.named_children if value.type == "tuple" else [value]
    return bound, [match.ctx.text(c).rsplit(".", 1)[-1] for c in classes]


def details_returned(match: Match) -> bool | Report:
    if not is_web_module(match.ctx) and not match.ctx.names.imports_module("http.server"):
        return False
    block = next((c for c in match.target.named_children if c.type == "block"), None)
    if block is None:
        return False
    name, classes = caught(match)
    # `except OrderError as e: return Response({"error": str(e)})` sends the message meant for the
    # client; a traceback (a call) is never meant, whatever was caught.
    deliberate = bool(classes) and all(is_user_facing(c) for c in classes)
    handler = ancestor(match.target, "function_definition")
    in_handler = handler is not None and route_of(match.ctx, handler) is not None
    for response in responses(match, block):
        if response.type == "return_statement" and not in_handler:
            continue
        leak = leak_in(match, response, name)
        # A 4xx status is the developer saying "your request was wrong": the text is the answer
        # meant for the client (a reviewer does not ask to change `return str(e), 400`).
        client_error = deliberate or (_is_4xx(match, response) and not _internal(classes))
        if leak is not None and not (client_error and leak.type != "call"):
            return Report(node=leak, confidence=_confidence(match, leak, classes))
    return False


def _confidence(match: Match, leak: Node, classes: list[str]) -> Confidence:
    if leak.type == "call":
        return Confidence.HIGH  # a traceback is never meant for the client
    if not classes or BROAD_EXCEPTIONS.intersection(classes):
        return Confidence.MEDIUM
    return Confidence.LOW  # `except ValueError as e: return str(e), 400` is often deliberate


RULE = Rule(
    id="exception-details-in-response",
    title="Exception details returned to the client",
    category=Category.EXPOSURE,
    cwe=(209,),
    owasp=("A04:2021", "A05:2021"),
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({"python"}),
    query="(except_clause) @target",
    where=details_returned,
    message="The exception's text is sent to the client, revealing internals such as paths, queries or library versions.",
    docs="""## Why is this bad?
Exception messages and tracebacks describe the server: file paths, SQL and table names,
hostnames, library versions, sometimes credentials from a connection string. Returning them
(`return {"error": str(e)}, 500`, `HTTPException(detail=str(e))`) maps the system for an
attacker. Confidence is high for tracebacks, low when a specific exception is caught.

Not reported: messages meant for the client, that is exceptions of the project's own classes
or the frameworks' validation and HTTP errors (`except OrderError as e: return {"error": str(e)}`,
`ValidationError`, `HTTPException`), a `ValueError`/`AssertionError` answered with a 4xx status
(a status code, `HTTPStatus.BAD_REQUEST`, Django's `HttpResponseBadRequest`),
and an exception handed as an object to a helper (`handle_error(e)`) that is not named to turn
it into text. Python's own and the database, HTTP and template libraries' exceptions are
reported: their text carries internals. A traceback is reported whatever was caught.

## How to fix
Log the exception server-side (`logger.exception(...)`) and return a generic message with a
correlation id. Return the text of exceptions you raise yourself for client errors only
(validation messages), and catch those specifically.
""",
    references=(
        "https://cheatsheetseries.owasp.org/cheatsheets/Error_Handling_Cheat_Sheet.html",
        "https://flask.palletsprojects.com/en/stable/errorhandling/",
        "https://fastapi.tiangolo.com/tutorial/handling-errors/",
        "https://cwe.mitre.org/data/definitions/209.html",
    ),
    examples="""
import traceback
from fastapi import APIRouter, HTTPException
from fastapi.responses import JSONResponse, PlainTextResponse
from flask import Flask, jsonify
app, router = Flask(__name__), APIRouter()
@app.post("/orders")
def orders():
    try:
        create_order()
    except Exception as e:
        return {"error": str(e)}, 500  # ruleid: exception-details-in-response
    except (KeyError, ValueError) as err:
        return jsonify(error=repr(err)), 500  # ruleid: exception-details-in-response
    except LookupError as err:  # answered as the client's mistake: the text is meant for it
        return jsonify(error=str(err)), 404  # ok: exception-details-in-response
    except RuntimeError:
        return jsonify(trace=traceback.format_exc()), 500  # ruleid: exception-details-in-response
    except HTTPException as e:
        return {"error": e.detail}, e.status_code  # ok: exception-details-in-response
    except OSError as e:
        app.logger.exception("write failed: %s", e)
        return {"error": type(e).__name__}, 503  # ok: exception-details-in-response
@router.post("/tickets")
async def book_ticket(order: OrderIn):
    try:
        return await book(order)
    except QuotaExceededError as exc:  # the project's own error, raised with a message for the buyer
        return JSONResponse({"error": str(exc)}, status_code=409)  # ok: exception-details-in-response
    except ValidationError as exc:
        return JSONResponse({"errors": exc.errors()}, status_code=422)  # ok: exception-details-in-response
    except CheckoutError:
        return PlainTextResponse(traceback.format_exc(), status_code=500)  # ruleid: exception-details-in-response
    except IntegrityError as exc:
        return JSONResponse({"error": str(exc)}, status_code=409)  # ruleid: exception-details-in-response
    except ValueError as exc:  # the service's own validation, answered as a client error
        raise HTTPException(status_code=HTTPStatus.BAD_REQUEST, detail=str(exc)) from exc  # ok: exception-details-in-response
    except Exception as exc:  # lnbits/calibre-web: a failed decode answered as a bad request
        return JSONResponse({"message": f"Failed to decode: {exc!s}"}, status_code=HTTPStatus.BAD_REQUEST)  # ok: exception-details-in-response
    except AssertionError as exc:
        raise HTTPException(status_code=500, detail=str(exc)) from exc  # ruleid: exception-details-in-response
    except OperationalError as exc:
        return handle_error_and_return_response(exc, db=db)  # ok: exception-details-in-response
    except (TypeError, KeyError) as exc:
        return JSONResponse({"error": extract_message(exc)}, status_code=500)  # ruleid: exception-details-in-response
    except httpx.HTTPError as error:  # weblate: the keyword `error=` is not the exception
        return JSONResponse(render(error=gettext("Try again later.")), status_code=503)  # ok: exception-details-in-response
from django.http import Http404
def get_search_model(self):  # mayan-edms: Django shows its own 404 page unless DEBUG is on
    try:
        return SearchModel.get(name=self.get_search_model_name())
    except KeyError as exception:
        raise Http404(str(exception))  # ok: exception-details-in-response
def helper():
    try:
        run()
    except Exception as exc:
        raise HTTPException(status_code=500, detail=f"failed: {exc}")  # ruleid: exception-details-in-response
    except ValueError as exc:
        return str(exc)  # ok: exception-details-in-response
@app.route("/jobs")
def jobs():
    try:
        run()
    except Exception as e:
        message = str(e)
        # todoruleid: exception-details-in-response
        return {"error": message}, 500  # the text copied into a variable first is not followed
from django.http import HttpResponseBadRequest, HttpResponseServerError
def update_entries(request):  # review board: the client's own malformed parameter, answered 400
    try:
        entry_type, entry_ids = request.GET["entries"].split(":")
    except ValueError as e:
        return HttpResponseBadRequest("Invalid ?entries= value: %s" % e)  # ok: exception-details-in-response
    except Exception as e:
        return HttpResponseServerError("Failed: %s" % e)  # ruleid: exception-details-in-response
from http.server import BaseHTTPRequestHandler
class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        try:
            self.wfile.write(render(self.path))
        except Exception:
            self.send_response(500)
            self.end_headers()
            # ruleid: exception-details-in-response
            self.wfile.write(traceback.format_exc().encode())
    def do_POST(self):
        try:
            self.wfile.write(render(self.path))
        except Exception:
            # ok: exception-details-in-response
            self.wfile.write(b"internal error")
""",
)
