"""The labelled JavaScript/TypeScript recall set (OWASP Juice Shop, NodeGoat, DVNA) as a test.

`benchmarks/recall.py benchmarks/data/recall_js` prints the figures; this test keeps them: every
`// vuln: <rule>` line is reported by that rule, except the misses listed here with their
reason, and no `// safe: <rule>` line is. A miss that starts being found fails the test too, so
the list is kept honest.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from vetline.rules import languages, registry
from vetline.rules.engine import Engine

RECALL_SET = Path(__file__).resolve().parents[2] / "benchmarks" / "data" / "recall_js"
LABEL = re.compile(r"//\s*(vuln|safe):\s*([a-z0-9-]+)")
# (path, rule): why the rule cannot see it.
KNOWN_MISSES = {
    (
        "juice_shop/lib/insecurity.ts",
        "js-weak-hash-for-secrets",
    ): "`hash(data)` is applied to passwords in another module",
    (
        "juice_shop/routes/b2bOrder.ts",
        "js-eval-of-dynamic-code",
    ): "the code is constant; the data reaches notevil through the vm context",
    (
        "juice_shop/routes/redirect.ts",
        "js-open-redirect",
    ): "the allow-list check is a substring test in another function",
}


def _labels(root: Path) -> list[tuple[str, str, str, int]]:
    found = []
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".js", ".ts")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for index, text in enumerate(lines):
            match = LABEL.search(text)
            if match is not None:
                target = next(i for i in range(index + 1, len(lines)) if not LABEL.search(lines[i]))
                found.append((match.group(1), match.group(2), path.relative_to(root).as_posix(), target + 1))
    return found


@pytest.fixture(scope="module")
def recall_findings(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[tuple[str, str, str, int]], set]:
    """The labels and the (rule, path, line) findings of every js-* rule, scanned outside `benchmarks/`."""
    root = tmp_path_factory.mktemp("apps") / "recall_js"
    shutil.copytree(RECALL_SET, root)
    engine = Engine([r for r in registry.all_rules() if r.id.startswith("js-")])
    reported = set()
    for path in root.rglob("*"):
        language = languages.language_for_path(path.name)
        if language is None or not path.is_file():
            continue
        for finding in engine.analyze(path.read_bytes(), language, str(path)).findings:
            reported.add((finding.rule_id, path.relative_to(root).as_posix(), finding.start.line + 1))
    return _labels(root), reported


def test_documented_vulnerabilities_are_found(recall_findings) -> None:  # type: ignore[no-untyped-def]
    """Ensure that every documented vulnerability is reported on its line, but for the listed misses."""
    labels, reported = recall_findings
    missed = {
        (path, rule) for kind, rule, path, line in labels if kind == "vuln" and (rule, path, line) not in reported
    }
    assert missed == set(KNOWN_MISSES)
    assert sum(kind == "vuln" for kind, *_ in labels) >= 25


def test_safe_cases_are_not_reported(recall_findings) -> None:  # type: ignore[no-untyped-def]
    """Ensure that no line the original benchmark scores as safe is reported."""
    labels, reported = recall_findings
    assert [
        (rule, path, line) for kind, rule, path, line in labels if kind == "safe" and (rule, path, line) in reported
    ] == []
