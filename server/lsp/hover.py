"""Hover on a flagged range: what the rule is, why it is dangerous, what its fix does, links.

The text is built from the rule's own declaration (title, docs, CWE, OWASP), so the editor
explains a finding in exactly the words `vetline explain` prints.
"""

from __future__ import annotations

import re

from lsprotocol import types
from vetline.rules.model import Finding, Rule

from .analysis import current_result
from .server import VetlineServer

OWASP_PAGES = {
    "A01:2021": "A01_2021-Broken_Access_Control",
    "A02:2021": "A02_2021-Cryptographic_Failures",
    "A03:2021": "A03_2021-Injection",
    "A04:2021": "A04_2021-Insecure_Design",
    "A05:2021": "A05_2021-Security_Misconfiguration",
    "A06:2021": "A06_2021-Vulnerable_and_Outdated_Components",
    "A07:2021": "A07_2021-Identification_and_Authentication_Failures",
    "A08:2021": "A08_2021-Software_and_Data_Integrity_Failures",
    "A09:2021": "A09_2021-Security_Logging_and_Monitoring_Failures",
    "A10:2021": "A10_2021-Server-Side_Request_Forgery_%28SSRF%29",
}


def register(server: VetlineServer) -> None:
    server.feature(types.TEXT_DOCUMENT_HOVER)(hover)


def hover(ls: VetlineServer, params: types.HoverParams) -> types.Hover | None:
    doc = ls.documents.get(params.text_document.uri)
    if doc is None:
        return None
    offset = doc.index.offset(params.position, ls.encoding)
    result = current_result(ls, doc)
    hits = [f for f in result.findings if f.start_byte <= offset <= f.end_byte]
    if not hits:
        return None
    rules = {rule.id: rule for rule in ls.projects.engine_for(doc.path).rules}
    text = "\n\n---\n\n".join(explain(f, rules.get(f.rule_id)) for f in hits)
    kind = types.MarkupKind.Markdown if ls.features.markdown_hover else types.MarkupKind.PlainText
    first = hits[0]
    return types.Hover(
        contents=types.MarkupContent(kind=kind, value=text),
        range=doc.index.range(first.start_byte, first.end_byte, ls.encoding),
    )


def explain(finding: Finding, rule: Rule | None) -> str:
    """The Markdown explanation of one finding."""
    if rule is None:
        return f"**{finding.rule_id}**\n\n{finding.message}"
    parts = [
        f"**{rule.title}** (`{rule.id}`, {finding.severity.label} severity, {finding.confidence.label} confidence)",
        finding.message,
    ]
    why = section(rule.docs, "Why is this bad?")
    if why:
        parts.append(f"**Why is this dangerous?** {why}")
    if finding.fix is not None:
        safety = "safe: applied by fix-all" if finding.fix.safe else "unsafe: review before applying"
        parts.append(f"**Fix:** {finding.fix.title} ({safety}).")
    links = [f"[CWE-{cwe}](https://cwe.mitre.org/data/definitions/{cwe}.html)" for cwe in rule.cwe]
    links += [f"[OWASP {o}](https://owasp.org/Top10/{OWASP_PAGES[o]}/)" for o in rule.owasp if o in OWASP_PAGES]
    parts.append(" · ".join(links))
    return "\n\n".join(parts)


def section(docs: str, heading: str) -> str:
    """The text under a `## heading` of a rule's docs, joined into one paragraph."""
    match = re.search(rf"^##\s*{re.escape(heading)}\s*$(.*?)(?=^##\s|\Z)", docs, re.MULTILINE | re.DOTALL)
    return " ".join(match.group(1).split()) if match else ""
