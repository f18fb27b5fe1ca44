"""YAML block scalars (OpenAPI code samples) are free text for the secrets rules, not key/value pairs."""

from __future__ import annotations

from vetline.rules.engine import Engine
from vetline.rules.secrets.hardcoded_password import RULE as PASSWORD

SPEC = """paths:
  /watch:
    x-code-samples:
      - lang: python
        source: |
          headers = {
              'x-api-key': 'YOUR_API_KEY',
              'password': 'hunter2hunter',
          }
    security:
      api_password: "Sup3r-s3cret-value"
"""


def test_code_sample_lines_are_text_and_later_pairs_are_pairs() -> None:
    """Ensure that a sample inside `source: |` is not a credential and the pair after the block still is."""
    found = Engine([PASSWORD]).analyze(SPEC.encode(), "yaml", "docs/api-spec.yaml").findings
    assert [f.start.line for f in found] == [10]
