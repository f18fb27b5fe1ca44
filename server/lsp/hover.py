"""Hover on a flagged range: what is wrong, what the fix does, links, then a short why.

The text is built from the rule's own declaration (title, docs, CWE, OWASP), in the words
`vetline explain` prints, but only the start of its "Why is this bad?": how the detector works
belongs in `vetline explain`, which the hover names. Findings that say the same thing at the
same place are shown once.
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
    distinct = list({(f.rule_id, f.message): f for f in hits}.values())
    text = "\n\n---\n\n".join(explain(f, rules.get(f.rule_id)) for f in distinct)
    kind = types.MarkupKind.Markdown if ls.features.markdown_hover else types.MarkupKind.PlainText
    first = hits[0]
    return types.Hover(
        contents=types.MarkupContent(kind=kind, value=text),
        range=doc.index.range(first.start_byte, first.end_byte, ls.encoding),
    )


WHY_LENGTH = 240  # characters of "why" a hover shows before pointing to `vetline explain`


def explain(finding: Finding, rule: Rule | None) -> str:
    """The Markdown explanation of one finding: message, fix and links first, then a short why."""
    if rule is None:
        return f"**{finding.rule_id}**\n\n{finding.message}"
    parts = [
        f"**{rule.title}** (`{rule.id}`, {finding.severity.label} severity, {finding.confidence.label} confidence)",
        finding.message,
    ]
    if finding.fix is not None:
        safety = "safe: applied by fix-all" if finding.fix.safe else "unsafe: review before applying"
        parts.append(f"**Fix:** {finding.fix.title} ({safety}).")
    links = [f"[CWE-{cwe}](https://cwe.mitre.org/data/definitions/{cwe}.html)" for cwe in rule.cwe]
    links += [f"[OWASP {o}](https://owasp.org/Top10/{OWASP_PAGES[o]}/)" for o in rule.owasp if o in OWASP_PAGES]
    parts.append(" · ".join(links))
    why = short(section(rule.docs, "Why is this bad?"))
    more = f"More: `vetline explain {rule.id}`."
    parts.append(f"**Why is this dangerous?** {why} {more}" if why else more)
    return "\n\n".join(parts)


def short(text: str, limit: int = WHY_LENGTH) -> str:
    """The first sentences of `text`, as many as fit in `limit` characters (at least one)."""
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z`(])", text)
    kept = sentences[:1]
    for sentence in sentences[1:]:
        if len(" ".join([*kept, sentence])) > limit:
            break
        kept.append(sentence)
    return " ".join(kept)


def section(docs: str, heading: str) -> str:
    """The text under a `## heading` of a rule's docs, joined into one paragraph."""
    match = re.search(rf"^##\s*{re.escape(heading)}\s*$(.*?)(?=^##\s|\Z)", docs, re.MULTILINE | re.DOTALL)
    return " ".join(match.group(1).split()) if match else ""
