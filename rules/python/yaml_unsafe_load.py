"""`yaml.load` without a safe Loader builds arbitrary Python objects from the document."""

from __future__ import annotations

from tree_sitter import Node

from ..analysis.nodes import argument
from ..context import Match
from ..model import Category, Confidence, Edit, Fix, Rule, Severity
from ._expressions import definition

SAFE_LOADERS = frozenset({"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"})
LOADING_CALLS = frozenset(
    {"yaml.load", "yaml.load_all", "yaml.unsafe_load", "yaml.unsafe_load_all", "yaml.full_load", "yaml.full_load_all"}
)


def loader_name(match: Match) -> str | None:
    """The last dotted part of the Loader argument (`yaml.SafeLoader` -> `SafeLoader`)."""
    loader = argument(match.node("args"), 1, "Loader") or _splatted_loader(match.node("args"))
    if loader is None:
        return None
    name = match.ctx.qualified_name(loader) or match.ctx.text(loader)
    return name.rsplit(".", 1)[-1]


def _splatted_loader(args: Node | None) -> Node | None:
    """The `Loader` of a `**options` argument whose dict is a literal assigned in the same scope
    (`defaults = {"Loader": SafeLoader}; yaml.load(**defaults)`), or None."""
    splats = [c for c in args.named_children if c.type == "dictionary_splat"] if args is not None else []
    for splat in splats:
        options = definition(splat.named_children[0] if splat.named_children else None)
        for pair in options.named_children if options is not None and options.type == "dictionary" else []:
            key = pair.child_by_field_name("key") if pair.type == "pair" else None
            if key is not None and key.type == "string" and key.text is not None and key.text[1:-1] == b"Loader":
                return pair.child_by_field_name("value")
    return None


def _is_local_object(match: Match) -> bool:
    """True when the receiver is a local variable (`yaml = YAML(typ="safe")` of ruamel.yaml), not PyYAML."""
    callee = match.node("fn")
    receiver = callee.child_by_field_name("object") if callee is not None and callee.type == "attribute" else None
    if receiver is None or receiver.type != "identifier":
        return False
    value = definition(receiver)
    return value is not receiver and value is not None and value.type == "call"


def no_safe_loader(match: Match) -> bool:
    if _is_local_object(match):
        return False
    name = match.ctx.qualified_name(match.node("fn")) or ""
    if name.split(".")[-1].startswith(("unsafe_", "full_")):
        return True
    return loader_name(match) not in SAFE_LOADERS


def use_safe_load(match: Match) -> Fix | None:
    """Rename the attribute to `safe_load`/`safe_load_all` and drop the Loader argument."""
    callee = match.node("fn")
    args = match.node("args")
    if callee is None or args is None or callee.type != "attribute":
        return None
    attribute = callee.child_by_field_name("attribute")
    document = argument(args, 0, "stream")
    if attribute is None or document is None:
        return None
    plural = match.ctx.text(attribute).endswith("_all")
    new_name = "safe_load_all" if plural else "safe_load"
    edits = (
        Edit(attribute.start_byte, attribute.end_byte, new_name),
        Edit(args.start_byte, args.end_byte, f"({match.ctx.text(document)})"),
    )
    had_loader = loader_name(match) is not None
    return Fix(f"Use `yaml.{new_name}`", edits, safe=not had_loader)


RULE = Rule(
    id="yaml-unsafe-load",
    title="Unsafe YAML deserialization",
    category=Category.INJECTION,
    cwe=(502,),
    owasp=("A08:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({"python"}),
    calls=LOADING_CALLS,
    where=no_safe_loader,
    fix=use_safe_load,
    aliases=("B506", "S506"),
    message="`yaml.load` without `SafeLoader` can instantiate arbitrary Python objects from the document.",
    docs="""## Why is this bad?
PyYAML's full and unsafe loaders honour tags such as `!!python/object/apply`, so a YAML
document can make the loader call any Python function: reading untrusted YAML with them is
remote code execution.

## How to fix
Use `yaml.safe_load` (or pass `Loader=yaml.SafeLoader`), which builds only plain data.

## Fix safety
Safe when the call had no `Loader` argument (PyYAML 6 rejects such a call anyway). When it
named a full or unsafe loader the fix is offered as unsafe: documents that rely on Python tags
will stop loading.
""",
    references=("https://pyyaml.org/wiki/PyYAMLDocumentation", "https://cwe.mitre.org/data/definitions/502.html"),
    examples="""
import yaml
from yaml import load as yload
# ruleid: yaml-unsafe-load
yaml.load(data)
# ruleid: yaml-unsafe-load
yaml.load(data, Loader=yaml.Loader)
# ruleid: yaml-unsafe-load
yload(data, yaml.FullLoader)
# ruleid: yaml-unsafe-load
yaml.unsafe_load(data)
# ok: yaml-unsafe-load
yaml.safe_load(data)
# ok: yaml-unsafe-load
yaml.load(data, Loader=yaml.SafeLoader)
# ok: yaml-unsafe-load
json.load(data)
def load(stream, **kwargs):
    defaults = {"Loader": yaml.SafeLoader}
    defaults.update(kwargs)
    # ok: yaml-unsafe-load
    return yaml.load(stream, **defaults)
def automation(text):
    from ruamel.yaml import YAML
    yaml = YAML(typ="safe", pure=True)
    # ok: yaml-unsafe-load
    return yaml.load(text)
def fast_load(stream):  # airflow: two functions import two functions under one local name
    from yaml import load as orig
    # ruleid: yaml-unsafe-load
    return orig(stream)
def fast_dump(data):
    from yaml import dump as orig
    # ok: yaml-unsafe-load
    return orig(data)
def load_config(stream):
    options = {"Loader": yaml.FullLoader}
    # ruleid: yaml-unsafe-load
    return yaml.load(stream, **options)
""",
)
