"""XML parsers configured to resolve external entities (XXE): lxml parsers and SAX features.

This rule owns explicit opt-ins only: an lxml parser built with `resolve_entities=True` or
`no_network=False`, and a SAX/pulldom parser given `feature_external_ges`/`_pes`. The parser's
construction is reported, not each `parse()` that later uses it. Defaults are not reported:
lxml 5 resolves only internal entities by default and Python's SAX parser has external
entities off since 3.7.1; entity expansion bombs (CWE 776) are a different rule's business.
"""

from __future__ import annotations

from tree_sitter import Node

from ..analysis.nodes import argument, is_false, keyword_arg, string_value
from ..context import Match
from ..model import Category, Confidence, Edit, Fix, Report, Rule, Severity

LXML_PARSERS = frozenset(
    {
        "lxml.etree.XMLParser",
        "lxml.etree.XMLPullParser",
        "lxml.etree.ETCompatXMLParser",
        "lxml.objectify.makeparser",
    }
)
SAX_FEATURES = frozenset(
    {
        "feature_external_ges",
        "feature_external_pes",
        "http://xml.org/sax/features/external-general-entities",
        "http://xml.org/sax/features/external-parameter-entities",
    }
)


def _is_truthy_literal(node: Node | None) -> bool:
    return node is not None and (node.type == "true" or (node.type == "integer" and node.text != b"0"))


def _sax_feature(match: Match, node: Node | None) -> str | None:
    """The name of the SAX feature a `setFeature` call switches, if it is an entity feature."""
    url = string_value(node)
    if url is not None:
        return url if url in SAX_FEATURES else None
    name = (match.ctx.qualified_name(node) or "").rsplit(".", 1)[-1]
    return name if name in SAX_FEATURES else None


def _risky_value(match: Match) -> tuple[Node, str] | None:
    """The literal that opts into external entities, and what it enables."""
    args = match.node("args")
    if match.ctx.text(match.node("fn")).endswith("setFeature"):
        value = argument(args, 1, "state")
        if _sax_feature(match, argument(args, 0, "name")) and _is_truthy_literal(value):
            assert value is not None
            return value, "A SAX parser with external entities turned on"
        return None
    resolve = keyword_arg(args, "resolve_entities")
    if _is_truthy_literal(resolve):
        assert resolve is not None
        return resolve, "An lxml parser with `resolve_entities=True`"
    network = keyword_arg(args, "no_network")
    if is_false(network):
        assert network is not None
        return network, "An lxml parser with `no_network=False`"
    return None


def resolves_external_entities(match: Match) -> Report | None:
    found = _risky_value(match)
    if found is None:
        return None
    return Report(message=f"{found[1]} lets a document read local files or reach internal URLs (XXE).")


def turn_off_entities(match: Match) -> Fix | None:
    """Flip the opt-in literal: entities off, network off."""
    found = _risky_value(match)
    if found is None:
        return None
    value = found[0]
    replacement = "True" if is_false(value) else "False"
    return Fix("Do not resolve external entities", (Edit(value.start_byte, value.end_byte, replacement),), safe=False)


RULE = Rule(
    id="xml-external-entities",
    title="XML parser resolves external entities",
    category=Category.INJECTION,
    cwe=(611,),
    owasp=("A05:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({"python"}),
    calls=LXML_PARSERS | {".setFeature"},
    where=resolves_external_entities,
    fix=turn_off_entities,
    aliases=("B320", "S320"),
    message="An XML parser that resolves external entities lets a document read local files or "
    "reach internal URLs (XXE).",
    docs="""## Why is this bad?
An external entity (`<!ENTITY x SYSTEM "file:///etc/passwd">`) makes the parser read a file
or fetch a URL and splice it into the document. When the document comes from a user, that is
a file read, a request to internal services (SSRF) or a denial of service.

## How to fix
Parse untrusted XML with `defusedxml` (`defusedxml.ElementTree`, `defusedxml.lxml`-style
parsers, `defusedxml.sax`), which refuses entities outright. With lxml, build the parser with
`resolve_entities=False, no_network=True`; with SAX, leave `feature_external_ges` and
`feature_external_pes` off (Python's default).

## Fix safety
Unsafe: documents that legitimately include external entities or fetch DTDs over the network
will parse differently (entities stay unexpanded, or parsing fails).
""",
    references=(
        "https://lxml.de/FAQ.html#how-do-i-use-lxml-safely-as-a-web-service-endpoint",
        "https://lxml.de/api/lxml.etree.XMLParser-class.html",
        "https://docs.python.org/3/library/xml.html#xml-vulnerabilities",
        "https://pypi.org/project/defusedxml/",
        "https://cheatsheetseries.owasp.org/cheatsheets/XML_External_Entity_Prevention_Cheat_Sheet.html",
        "https://cwe.mitre.org/data/definitions/611.html",
    ),
    examples="""
from lxml import etree
from lxml import etree as ET
import lxml.etree
from lxml.etree import XMLParser
from lxml.etree import XMLParser as Parser
import xml.sax
from xml.sax import make_parser
from xml.sax.handler import feature_external_ges, feature_external_pes
from xml.dom import pulldom

# ruleid: xml-external-entities
parser = etree.XMLParser(resolve_entities=True)
# ruleid: xml-external-entities
tree = ET.fromstring(body, ET.XMLParser(load_dtd=True, resolve_entities=True))
# ruleid: xml-external-entities
parser = lxml.etree.XMLParser(no_network=False)
# ruleid: xml-external-entities
parser = XMLParser(resolve_entities=1)
# ruleid: xml-external-entities
parser = Parser(dtd_validation=True, no_network=False)
sax_parser = make_parser()
# ruleid: xml-external-entities
sax_parser.setFeature(feature_external_ges, True)
# ruleid: xml-external-entities
sax_parser.setFeature(xml.sax.handler.feature_external_pes, 1)
# ruleid: xml-external-entities
sax_parser.setFeature("http://xml.org/sax/features/external-general-entities", True)
events = pulldom.parse(upload, parser=sax_parser)
# ok: xml-external-entities
parser = etree.XMLParser(resolve_entities=False, no_network=True)
# ok: xml-external-entities
parser = ET.XMLParser(remove_blank_text=True)
# ok: xml-external-entities
sax_parser.setFeature(feature_external_ges, False)
# ok: xml-external-entities
sax_parser.setFeature(xml.sax.handler.feature_namespaces, True)
# ok: xml-external-entities
tree = etree.fromstring(body)
# The flag is a variable, so whether entities are resolved is decided at run time.
# todoruleid: xml-external-entities
parser = etree.XMLParser(resolve_entities=settings.RESOLVE)
# lxml < 5 resolves external entities by default; the installed version is not known here.
# todoruleid: xml-external-entities
tree = etree.parse(upload)
""",
)
