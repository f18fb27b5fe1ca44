"""An API base URL or service endpoint written into code instead of configuration."""

from __future__ import annotations

import re

from ..analysis.nodes import string_value
from ..context import Match
from ..model import Category, Confidence, Report, Rule, Severity

# A URL with a host (no credentials: credentials-in-url owns those), not a documentation domain.
_SERVICE_URL = re.compile(r"^(?:https?|wss?|grpcs?)://(?![^/\s]*@)(?!(?:www\.)?example\.(?:com|org|net)\b)[^\s/]+")


def is_service_url(match: Match) -> bool | Report:
    value = string_value(match.node("target")) or ""
    if not _SERVICE_URL.match(value):
        return False
    host = value.split("://", 1)[1].split("/", 1)[0]
    return Report(
        message=f"Endpoint `{host}` is hard-coded in `{match.text('name')}`: it belongs in configuration so each environment can point elsewhere."
    )


RULE = Rule(
    id="hardcoded-endpoint-url",
    title="Hard-coded service endpoint",
    category=Category.CONFIGURATION,
    cwe=(1051,),
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({"python"}),
    query="""
(assignment left: (_) @name right: (string) @target
  (#match? @name "([Uu][Rr][LlIi]|[Ee]ndpoint|ENDPOINT|[Hh]ost|HOST|API_BASE|api_base)$"))
(keyword_argument name: (identifier) @name value: (string) @target
  (#match? @name "^(base_url|api_base|api_url|endpoint|server_url|host|webhook_url)$"))
""",
    where=is_service_url,
    message="A service endpoint is hard-coded: it belongs in configuration.",
    docs="""## Why is this bad?
Assistants write the API base URL, webhook and service endpoints straight into the code. The
code then talks to one environment only: staging traffic hits production, a moved service
needs a release, and internal host names leak with the code. This is a configuration finding
(low severity): select or ignore it with the `configuration` category.

## How to fix
Read the URL from settings or the environment, with the production value as configuration.
""",
    references=(
        "https://cwe.mitre.org/data/definitions/1051.html",
        "https://12factor.net/config",
    ),
    examples="""
import os
import openai
# ruleid: hardcoded-endpoint-url
API_BASE_URL = "https://api.internal.acme.io/v2"
# ruleid: hardcoded-endpoint-url
client = openai.OpenAI(base_url="http://10.0.0.5:8000/v1")
# ok: hardcoded-endpoint-url
API_BASE_URL = os.environ.get("API_BASE_URL", "")
# ok: hardcoded-endpoint-url
DOCS_URL = "https://example.com/docs"
# ok: hardcoded-endpoint-url
message = "https://api.acme.io"
# todoruleid: hardcoded-endpoint-url
requests.get("https://api.acme.io/v2/users")  # an inline call URL has no configuration-like name
""",
)
