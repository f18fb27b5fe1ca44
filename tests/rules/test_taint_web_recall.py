"""Taint analysis on the shapes vulnerable-by-design web code takes (issue 10, recall half).

Each case is a small handler in the style of OWASP BenchmarkPython, DVPWA, PyGoat or an
`http.server` training app; the assertion is the origin of the argument of `sink(...)`.
"""

from __future__ import annotations

import textwrap

import pytest
from taint_helpers import sink_origins
from vetline.rules import languages
from vetline.rules.analysis.taint import Kind, Origin
from vetline.rules.analysis.taint_fold import NOT_CONSTANT, fold
from vetline.rules.analysis.taint_tables import PATH_GUARD, QUOTE_GUARD

PRELUDE = """
import base64, codecs, configparser, io, json, os, subprocess, urllib.parse
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlparse
from flask import Flask, request
app = Flask(__name__)
"""


def origins(body: str, prelude: str = PRELUDE) -> list[Origin]:
    """The origins of every `sink(x)` argument, in source order."""
    return sink_origins(prelude + textwrap.dedent(body))


def kinds(body: str, prelude: str = PRELUDE) -> list[Kind]:
    return [origin.kind for origin in origins(body, prelude)]


def view(body: str) -> str:
    """`body` as the inside of a Flask route declared in `init(app)`, Benchmark style."""
    inner = textwrap.indent(textwrap.dedent(body), " " * 8)
    return f"def init(app):\n    @app.route('/case', methods=['POST'])\n    def case():\n{inner}"


def test_configparser_keeps_each_key_apart() -> None:
    """Ensure that a constant stored under keyA stays constant while keyB holds request data."""
    body = """
    param = request.form.get("q", "")
    conf = configparser.ConfigParser()
    conf.add_section("s")
    conf.set("s", "keyA", "a-Value")
    conf.set("s", "keyB", param)
    sink(conf.get("s", "keyA"))
    sink(conf.get("s", "keyB"))
    """
    assert kinds(view(body)) == [Kind.CONSTANT, Kind.TAINTED]


def test_dictionary_items_keep_each_key_apart() -> None:
    """Ensure that dict literals and `d[k] = v` track constant keys separately."""
    body = """
    conf = {"keyA": "1 + 1", "keyB": request.form["q"]}
    sink(conf["keyA"])
    sink(conf["keyB"])
    extra = {}
    extra["safe"] = "x"
    extra["user"] = request.args["u"]
    sink(extra["safe"])
    sink(extra.get("user"))
    conf = {}
    sink(conf["keyB"])
    """
    assert kinds(view(body)) == [Kind.CONSTANT, Kind.TAINTED, Kind.CONSTANT, Kind.TAINTED, Kind.CONSTANT]


def test_list_append_pop_and_string_buffers_carry_data() -> None:
    """Ensure that `append`, `pop`, `io.StringIO.write/getvalue` and `str.join` pass data on."""
    body = """
    values = []
    values.append("safe")
    values.append(request.form["q"])
    values.pop(0)
    sink(values[0])
    buffer = io.StringIO()
    buffer.write(request.args["q"])
    sink(buffer.getvalue())
    clean = io.StringIO()
    clean.write("<p>")
    sink(clean.getvalue())
    sink(" ".join(["Hello", request.args["n"]]))
    """
    # A fresh buffer may be filled by code the analysis cannot see (`generate(out)`): unknown, never constant.
    assert kinds(view(body)) == [Kind.TAINTED, Kind.TAINTED, Kind.UNKNOWN, Kind.TAINTED]


def test_decoders_pass_request_data_through() -> None:
    """Ensure that unquote/unquote_plus, base64 and json decoding keep the taint."""
    body = """
    sink(urllib.parse.unquote_plus(request.cookies.get("c", "")))
    sink(base64.b64decode(request.headers["h"]).decode())
    sink(json.loads(request.get_data())["k"])
    sink(codecs.decode(request.args["x"], "rot13"))
    """
    assert kinds(view(body)) == [Kind.TAINTED] * 4


def test_loop_over_form_keys_reaches_code_after_break() -> None:
    """Ensure that a name picked in a loop over `request.form.keys()` before `break` stays tainted."""
    body = """
    param = ""
    for name in request.form.keys():
        if request.form.get(name) == "Case":
            param = name
            break
    sink(param)
    """
    assert kinds(view(body)) == [Kind.TAINTED]


def test_accumulator_of_html_carries_data() -> None:
    """Ensure that `RESPONSE += f"...{bar}"` makes the accumulator tainted."""
    body = """
    RESPONSE = ""
    RESPONSE += f"<p>{request.args['q']}</p>"
    sink(RESPONSE)
    """
    assert kinds(view(body)) == [Kind.TAINTED]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("num = 106\nbar = 'x' if 7 * 18 + num > 200 else param\n", Kind.CONSTANT),
        ("num = 106\nbar = 'x' if 7 * 18 + num < 200 else param\n", Kind.TAINTED),
        ("if 208 > 200:\n    bar = 'safe'\nelse:\n    bar = param\n", Kind.CONSTANT),
        ("num = 86\nif 7 * 42 - num > 200:\n    bar = param\nelse:\n    bar = 'x'\n", Kind.TAINTED),
        ("switch = 'b'\nif switch == 'a':\n    bar = param\nelse:\n    bar = 'x'\n", Kind.CONSTANT),
        ("match 3:\n    case 3:\n        bar = param\n    case _:\n        bar = 'x'\n", Kind.TAINTED),
        ("match 2:\n    case 1:\n        bar = param\n    case _:\n        bar = 'x'\n", Kind.CONSTANT),
        ("bar = 'x'\nwhile 1 > 2:\n    bar = param\n", Kind.CONSTANT),
        ("n = int(param)\nbar = 'x' if n > 3 else param\n", Kind.TAINTED),
    ],
)
def test_constant_conditions_are_folded(code: str, expected: Kind) -> None:
    """Ensure that only the branch a constant condition selects is taken."""
    body = "param = request.form['q']\n" + code + "sink(bar)\n"
    assert kinds(view(body)) == [expected]


def test_folding_is_bounded_and_refuses_what_it_cannot_know() -> None:
    """Ensure that huge or unknown values do not fold (no blow-up, no guess)."""
    source = b"x = 99999999999 * 99999999999 * 99999999999\ny = 'a' * 100000\nz = f() > 1\n"
    tree = languages.parser("python").parse(source)  # type: ignore[union-attr]
    values = [
        fold(statement.named_children[0].child_by_field_name("right"), lambda _: NOT_CONSTANT)
        for statement in tree.root_node.named_children
    ]
    assert values == [NOT_CONSTANT, NOT_CONSTANT, NOT_CONSTANT]


def test_early_return_guards_mark_the_payload_they_reject() -> None:
    """Ensure that `if '../' in p: return` and `if "'" in q: return` leave a guarded value."""
    body = """
    p = request.args["p"]
    if "../" in p:
        return "no"
    sink(p)
    q = request.args["q"]
    if "'" in q:
        return "no"
    sink(q)
    r = request.args["r"]
    if "../" in r:
        print("suspicious")
    sink(r)
    """
    guarded_path, guarded_quote, unguarded = origins(view(body))
    assert (guarded_path.kind, guarded_path.sanitized_by) == (Kind.TAINTED, PATH_GUARD)
    assert (guarded_quote.kind, guarded_quote.sanitized_by) == (Kind.TAINTED, QUOTE_GUARD)
    assert (unguarded.kind, unguarded.sanitized_by) == (Kind.TAINTED, None)


def test_http_server_handler_attributes_are_sources() -> None:
    """Ensure that `self.path` (through urlparse/parse_qs), `self.headers` and `self.rfile` are request data."""
    body = """
    class Base(BaseHTTPRequestHandler):
        pass
    class Handler(Base):
        def do_GET(self):
            query = parse_qs(urlparse(self.path).query)
            sink(query.get("name", [""])[0])
            sink(self.headers.get("User-Agent"))
            sink(json.loads(self.rfile.read(10)))
            sink(self.server_version)
    class NotAHandler:
        def do_GET(self):
            sink(self.path)
    """
    found = origins(body)
    assert [o.kind for o in found] == [Kind.TAINTED, Kind.TAINTED, Kind.TAINTED, Kind.UNKNOWN, Kind.UNKNOWN]
    assert found[0].source == "self.path"


@pytest.mark.parametrize(
    ("prelude", "handler"),
    [
        ("from aiohttp import web\n", "async def h(request: web.Request):\n    sink(request.match_info['id'])\n"),
        ("from aiohttp import web\n", "async def h(request):\n    sink(await request.post())\n"),
        ("from aiohttp import web\n", "async def h(request):\n    sink((await request.json())['k'])\n"),
        ("from aiohttp import web\n", "async def h(request):\n    sink(request.query.get('q'))\n"),
        ("from django.http import HttpResponse\n", "def v(request):\n    sink(request.GET['q'])\n"),
        ("from django.http import HttpResponse\n", "def v(request):\n    sink(request.META['HTTP_X'])\n"),
        ("from django.http import HttpResponse\n", "def v(request):\n    sink(request.body)\n"),
        ("from django.http import HttpResponse\n", "def v(request):\n    sink(request.FILES['f'].read())\n"),
        ("from django.http import HttpResponse\n", "def v(request):\n    sink(request.COOKIES['c'])\n"),
        (
            "from fastapi import FastAPI, Request\napp = FastAPI()\n",
            "@app.get('/x')\nasync def h(request: Request):\n    sink(request.query_params['q'])\n",
        ),
        (
            "from fastapi import FastAPI, Request\napp = FastAPI()\n",
            "@app.get('/x/{p}')\nasync def h(request: Request):\n    sink(request.path_params['p'])\n",
        ),
        ("from fastapi import FastAPI\napp = FastAPI()\n", "@app.get('/x/{p}')\ndef h(p: str):\n    sink(p)\n"),
    ],
)
def test_framework_sources_are_tainted(prelude: str, handler: str) -> None:
    """Ensure that aiohttp, Django and FastAPI/Starlette request data is tainted."""
    assert kinds(handler, prelude) == [Kind.TAINTED]


def test_class_based_view_request_is_the_request() -> None:
    """Ensure that `self.request` in an aiohttp `web.View` or a Django `View` carries request data."""
    body = """
    from aiohttp import web
    from django.views import View
    class Notes(web.View):
        async def get(self):
            sink(self.request.match_info["name"])
            sink((await self.request.post())["x"])
            sink(self.app_name)
    class Search(View):
        def get(self, request):
            sink(self.request.GET["q"])
    class Plain:
        def get(self):
            sink(self.request.GET["q"])
    """
    assert kinds(body) == [Kind.TAINTED, Kind.TAINTED, Kind.UNKNOWN, Kind.TAINTED, Kind.UNKNOWN]


def test_loop_carried_values_do_not_decide_conditions() -> None:
    """Ensure that a flag a later iteration changes is not folded from the first pass."""
    body = """
    first = True
    bar = "x"
    for item in request.form.getlist("items"):
        if first:
            first = False
        else:
            bar = item
    sink(bar)
    """
    assert kinds(view(body)) == [Kind.TAINTED]


def test_form_items_loop_and_digest_of_request_data() -> None:
    """Ensure that loop targets over `request.form.items()` are tainted and a hex digest is not."""
    body = """
    import hashlib
    for key, value in request.form.items():
        sink(key)
        sink(value)
    hasher = hashlib.sha256()
    hasher.update(request.form["password"].encode())
    sink(hasher.hexdigest())
    """
    assert kinds(view(body)) == [Kind.TAINTED, Kind.TAINTED, Kind.CONSTANT]


def test_fastapi_cookie_header_and_query_parameters_are_tainted() -> None:
    """Ensure that FastAPI parameters read from cookies, headers and the query are request data."""
    prelude = "from fastapi import Cookie, Depends, FastAPI, Header, Query\napp = FastAPI()\n"
    handler = """
    @app.get("/me")
    def me(session: str = Cookie(None), agent: str = Header(""), q: str = Query(""), db=Depends(get_db)):
        sink(session)
        sink(agent)
        sink(q)
        sink(db)
    """
    assert kinds(handler, prelude) == [Kind.TAINTED, Kind.TAINTED, Kind.TAINTED, Kind.UNKNOWN]
