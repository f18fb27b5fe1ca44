"""Request data or built strings used as an XPath expression (lxml, parsel, ElementTree paths).

lxml's `.xpath(expr)` and `etree.XPath(expr)` are always XPath; ElementTree's
`find`/`findall`/`findtext`/`iterfind` share their names with `str.find`, so for those the rule
also wants an XML import in the file and an expression that looks like a path (`/` or `[`).
Tainted expressions are high confidence, expressions built in place from values of unknown
origin medium; constants, including those using XPath variables (`$name`), are clean.
"""

from __future__ import annotations

from tree_sitter import Node

from ..analysis.nodes import argument
from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity
from ._expressions import called_method, definition, is_built, query_verdict

XPATH_CALLS = frozenset({".xpath", "lxml.etree.XPath", "lxml.etree.ETXPath"})
# elementpath's functions take the document first and the XPath expression second.
ELEMENTPATH_CALLS = frozenset({"elementpath.select", "elementpath.iter_select"})
PATH_METHODS = frozenset({"find", "findall", "findtext", "iterfind"})
XML_MODULES = ("xml.etree", "lxml", "defusedxml")


def _is_element_path(match: Match, method: str) -> bool:
    return method in PATH_METHODS and match.ctx.qualified_name(match.node("fn")) not in XPATH_CALLS


def reaches_other_library(match: Match) -> bool:
    """`re.findall(...)`: the method is called on an imported module that is not an XML library.
    A sink is a call that reaches the library, not a method name in a file that imports it."""
    callee = match.node("fn")
    receiver = callee.child_by_field_name("object") if callee is not None and callee.type == "attribute" else None
    while receiver is not None and receiver.type == "attribute":
        receiver = receiver.child_by_field_name("object")
    if receiver is None or receiver.type != "identifier":
        return False
    module = match.ctx.names.bindings.get(match.ctx.text(receiver))
    return module is not None and not module.startswith(XML_MODULES)


def injectable_expression(match: Match) -> Report | None:
    if match.ctx.qualified_name(match.node("fn")) in ELEMENTPATH_CALLS:
        expression = argument(match.node("args"), 1, "path")
        sink = "an XPath expression"
        return query_verdict(match, expression, sink, "pass values as XPath variables instead") if expression else None
    method = called_method(match)
    element_path = _is_element_path(match, method)
    if element_path and not any(match.ctx.names.imports_module(m) for m in XML_MODULES):
        return None
    if reaches_other_library(match):
        return None
    value = argument(match.node("args"), 0, "path" if element_path or method != "xpath" else "_path")
    if value is None:
        return None
    if element_path and not _looks_like_path(match, definition(value) or value):
        return None  # `text.find(x)`: no sign of a path
    return query_verdict(match, value, "an XPath expression", "pass values as XPath variables (`$name`) instead")


def _looks_like_path(match: Match, built: Node) -> bool:
    return is_built(built) and any(c in match.ctx.text(built) for c in "/[")


RULE = Rule(
    id="xpath-query-injection",
    title="XPath expression built from untrusted data",
    category=Category.INJECTION,
    cwe=(643,),
    owasp=("A03:2021",),
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({"python"}),
    calls=XPATH_CALLS | ELEMENTPATH_CALLS | {f".{name}" for name in PATH_METHODS},
    where=injectable_expression,
    message="An XPath expression built from untrusted data lets the caller change what the query selects.",
    docs="""## Why is this bad?
Quotes and brackets are XPath syntax. `//user[@name='%s' and @password='%s']` filled with
`' or '1'='1` selects every user, which turns a lookup into an authentication bypass or a way
to read any node of the document.

## How to fix
Keep the expression constant and pass values as XPath variables, which lxml quotes for you:
`tree.xpath("//user[@name=$name]", name=user)` or
`etree.XPath("//user[@name=$name]")(tree, name=user)`. ElementTree paths have no variables:
compare the attribute in Python instead (`[u for u in root.iter("user") if u.get("name") == user]`).
""",
    references=(
        "https://lxml.de/xpathxslt.html#the-xpath-method",
        "https://owasp.org/www-community/attacks/XPATH_Injection",
        "https://cwe.mitre.org/data/definitions/643.html",
    ),
    examples="""
from lxml import etree
from lxml import etree as ET
from lxml.etree import XPath
from lxml.etree import XPath as Compile
import re
import regex
import xml.etree.ElementTree as ElementTree
from flask import request
import elementpath

def find_user(tree):
    name = request.args["name"]
    # ruleid: xpath-query-injection
    nodes = tree.xpath(f"//user[@name='{name}']")
    # ruleid: xpath-query-injection
    found = elementpath.select(tree, f"/Employees/Employee[@emplid='{name}']")
    # ok: xpath-query-injection
    found = elementpath.select(tree, "/Employees/Employee[@emplid=$id]", variables={"id": name})
    # ruleid: xpath-query-injection
    nodes = tree.xpath("//user[@name='" + request.form["user"] + "']")
    query = "//account[@id='%s']" % name
    # ruleid: xpath-query-injection
    finder = etree.XPath(query)
    # ruleid: xpath-query-injection
    finder = XPath("//item[@sku='{}']".format(name))
    # ruleid: xpath-query-injection
    finder = Compile(request.args.get("q"))
    root = ElementTree.parse("users.xml").getroot()
    # ruleid: xpath-query-injection
    match = root.find(f".//user[@name='{name}']")
    # ok: xpath-query-injection
    nodes = tree.xpath("//user[@name=$name]", name=name)
    # ok: xpath-query-injection
    nodes = ET.XPath("//user[@name=$name]")(tree, name=name)
    # ok: xpath-query-injection
    index = name.find(f"{name}-")
    # ok: xpath-query-injection
    found = root.findall(".//user")
    # ok: xpath-query-injection
    tags = re.findall("<%s>([^<]*)</%s>" % (name, name), request.data.decode())
    # ok: xpath-query-injection
    words = regex.findall(r"/%s" % name, request.args["q"])
    return nodes, finder, match, index, found, tags, words

def select(tree, user_id):
    # ruleid: xpath-query-injection
    return tree.xpath("//user[@id=" + user_id + "]")

def parse_epub_cover(ns, tree):
    # A value read from the document being queried, outside any request handler: the document
    # already decides what the query finds, so splicing its own text in changes nothing.
    meta_cover = tree.xpath("/pkg:package/pkg:metadata/pkg:meta[@name='cover']/@content", namespaces=ns)
    # ok: xpath-query-injection
    return tree.xpath("/pkg:package/pkg:manifest/pkg:item[@id='" + meta_cover[0] + "']/@href", namespaces=ns)

def run(tree, expression):
    # An expression handed in by the caller is not built here; callers are not followed.
    # todoruleid: xpath-query-injection
    return tree.xpath(expression)
""",
)
