"""Jinja2 environments and templates that render variables without HTML escaping."""

from __future__ import annotations

from tree_sitter import Node

from ..analysis.nodes import has_splat, is_false, keyword_arg
from ..analysis.sinks import is_command_line_code
from ..analysis.taint_tables import WEB_MODULES
from ..context import FileContext, Match
from ..model import Category, Confidence, Fix, Report, Rule, Severity
from ..patterns import linear
from ._edits import set_keyword

TEMPLATE_BUILDERS = frozenset({"jinja2.Environment", "jinja2.environment.Environment", "jinja2.Template"})
# Set-up helpers that turn autoescaping on unless told `autoescape=False`.
ESCAPING_SETUPS = frozenset({"aiohttp_jinja2.setup"})


# Changed delimiters (`variable_start_string="<<"`) make a template language for code generation.
CODE_DELIMITERS = ("variable_start_string", "block_start_string")


# Modules that serve pages: a template built beside them renders HTML for a visitor.
PAGE_SERVERS = (*WEB_MODULES, "aiohttp_jinja2", "pyramid", "tornado", "falcon", "cherrypy", "werkzeug", "http.server")
# Loaders that read a package's or a named folder's templates: the application's pages.
PAGE_LOADERS = frozenset({"jinja2.PackageLoader", "jinja2.loaders.PackageLoader"})
FOLDER_LOADERS = frozenset({"jinja2.FileSystemLoader", "jinja2.loaders.FileSystemLoader"})
# An HTML tag, an `.html` name or a `templates` folder in a literal of the call.
_PAGE_TEXT = linear(r"(?i)<[a-z!/]|\.html?\b|templates")
_MAX_NODES = 200  # a call's arguments are small; a bigger one is read only this far


def renders_no_pages(match: Match) -> bool:
    """The environment generates files from a command line or a code generator, not HTML for a visitor."""
    args = match.node("args")
    if any(keyword_arg(args, name) is not None for name in CODE_DELIMITERS):
        return True
    if is_command_line_code(match.ctx.path):  # renders configuration files and source code, not pages
        return True
    return not _shows_pages(match.ctx, args)


def _shows_pages(ctx: FileContext, args: Node | None) -> bool:
    """Some sign that the template is a web page: the module serves pages, or the call names HTML,
    a `templates` folder or a package's templates. Without any (a template built from a setting
    or a parameter in a module with no web framework: log file names, kickstart files) it is text."""
    if any(ctx.names.imports_module(module) for module in PAGE_SERVERS):
        return True
    for node in _descendants(args):
        if node.type == "string" and _PAGE_TEXT.search(ctx.text(node)):
            return True
        if node.type == "call":
            loader = ctx.qualified_name(node.child_by_field_name("function")) or ""
            literal_folder = loader in FOLDER_LOADERS and _first_argument_is_literal(node)
            if loader in PAGE_LOADERS or literal_folder:
                return True
    return False


def _first_argument_is_literal(call: Node) -> bool:
    arguments = call.child_by_field_name("arguments")
    first = arguments.named_children[0] if arguments is not None and arguments.named_children else None
    return first is not None and first.type in ("string", "list")


def _descendants(root: Node | None) -> list[Node]:
    if root is None:
        return []
    found: list[Node] = []
    pending = [root]
    while pending and len(found) < _MAX_NODES:
        node = pending.pop()
        found.append(node)
        pending.extend(node.named_children)
    return found


def autoescape_off(match: Match) -> bool | Report:
    """No `autoescape=` at all (Jinja2's default is off), or a literal `False`."""
    if renders_no_pages(match):
        return False
    args = match.node("args")
    value = keyword_arg(args, "autoescape")
    if value is None:
        return not has_splat(args) and match.ctx.qualified_name(match.node("fn")) not in ESCAPING_SETUPS
    if is_false(value):
        return Report(message="`autoescape=False` renders template variables as raw HTML (cross-site scripting).")
    return False  # True, select_autoescape(...) or a setting we cannot evaluate


def enable_autoescape(match: Match) -> Fix | None:
    if match.node("args") is None:
        return None
    edit = set_keyword(match, "autoescape", "True")
    return Fix("Enable autoescaping (`autoescape=True`)", (edit,), safe=False) if edit is not None else None


RULE = Rule(
    id="jinja2-autoescape-disabled",
    title="Jinja2 autoescaping disabled",
    category=Category.INJECTION,
    cwe=(79,),
    owasp=("A03:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({"python"}),
    calls=TEMPLATE_BUILDERS | ESCAPING_SETUPS,
    where=autoescape_off,
    fix=enable_autoescape,
    aliases=("B701", "S701"),
    message="Jinja2 does not escape HTML by default: variables rendered from this template can inject scripts.",
    docs="""## Why is this bad?
A `jinja2.Environment` (or a `jinja2.Template` built directly) without `autoescape` renders
`{{ name }}` verbatim, so a value holding `<script>` runs in the visitor's browser (stored or
reflected cross-site scripting). Flask turns autoescaping on for its own `.html` templates;
a hand-made environment does not. `aiohttp_jinja2.setup(app, ..., autoescape=False)` turns
it off for every template of an aiohttp application.

Not reported: environments that generate files rather than pages, in command-line code
(`cli/`, `cli.py`, `manage.py`, `scripts/`, `tools/`, Django `management/commands/`) or with
changed delimiters (`variable_start_string="<<"`, a template language for source code):
HTML escaping would corrupt the configuration file or code they write. Nor a template with no
sign of being a page: the module imports no web framework (Flask, Django, FastAPI, Starlette,
aiohttp, Pyramid, Tornado, `http.server`, ...) and the call names no HTML, no `.html` file, no
`templates` folder and no `PackageLoader` (Airflow's log file-name template, Cobbler's kickstart
files are text).

## How to fix
Pass `autoescape=True`, or `autoescape=select_autoescape()` to escape only HTML/XML templates,
and mark intentionally raw fragments with `|safe` after sanitising them.

## Fix safety
Unsafe: adds `autoescape=True` (or turns `False` into `True`). Templates that deliberately
emit raw HTML from variables, or render non-HTML text such as e-mails, will show escaped
entities until those spots are marked `|safe` or the environment uses `select_autoescape()`.
""",
    references=(
        "https://jinja.palletsprojects.com/en/stable/api/#autoescaping",
        "https://cheatsheetseries.owasp.org/cheatsheets/Cross_Site_Scripting_Prevention_Cheat_Sheet.html",
        "https://cwe.mitre.org/data/definitions/79.html",
    ),
    examples="""
import jinja2
import jinja2 as j2
from jinja2 import Environment, FileSystemLoader, Template, select_autoescape
from jinja2 import Environment as Env
# ruleid: jinja2-autoescape-disabled
env = Environment(loader=FileSystemLoader("templates"))
# ruleid: jinja2-autoescape-disabled
env = jinja2.Environment(loader=loader, autoescape=False)
# ruleid: jinja2-autoescape-disabled
env = Env()
import aiohttp_jinja2
# ruleid: jinja2-autoescape-disabled
aiohttp_jinja2.setup(app, loader=jinja2.PackageLoader("sqli", "templates"), autoescape=False)
# ok: jinja2-autoescape-disabled
aiohttp_jinja2.setup(app, loader=jinja2.PackageLoader("sqli", "templates"))
# ruleid: jinja2-autoescape-disabled
html = Template("<p>Hello {{ name }}</p>").render(name=name)
# ruleid: jinja2-autoescape-disabled
tpl = j2.Template(source)
# ok: jinja2-autoescape-disabled
env = Environment(loader=FileSystemLoader("templates"), autoescape=select_autoescape(["html", "xml"]))
# ok: jinja2-autoescape-disabled
env = jinja2.Environment(autoescape=True)
# ok: jinja2-autoescape-disabled
env = Environment(autoescape=settings.AUTOESCAPE)
# ok: jinja2-autoescape-disabled
env = Environment(**options)
# ok: jinja2-autoescape-disabled
code_env = Environment(loader=FileSystemLoader(folder), variable_start_string="<<", variable_end_string=">>")
# todoruleid: jinja2-autoescape-disabled
app.jinja_env.autoescape = False  # switching it off on an existing environment is not tracked
""",
)
