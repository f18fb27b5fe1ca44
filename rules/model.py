"""The vocabulary every rule and front end shares: rules, findings, fixes and their edits.

Everything here is a frozen, validated dataclass so that a rule is a declaration known at
import time (it can be listed, documented and contract-tested without running it), and so that
the CLI and the language server can pass findings around without copying or mutating them.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .patterns import linear

if TYPE_CHECKING:
    from .context import Match


class Severity(enum.IntEnum):
    """Impact if the weakness is exploited; ordered so `>=` means "at least as bad"."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r}; expected high, medium or low") from None


class Confidence(enum.IntEnum):
    """How likely a finding of the rule is a true positive."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @property
    def label(self) -> str:
        return self.name.lower()


class Category(str, enum.Enum):
    """The families of weakness vetline reports; the JSON and SARIF outputs use these names."""

    INJECTION = "injection"
    CRYPTO = "crypto"
    SECRETS = "secrets"
    DEPENDENCIES = "dependencies"
    ACCESS_CONTROL = "access-control"
    EXPOSURE = "exposure"
    CONFIGURATION = "configuration"
    AI_CONTEXT = "ai-context"


@dataclass(frozen=True)
class Edit:
    """Replace the bytes `[start_byte, end_byte)` of the file with `new_text`.

    `path` is None for the analysed file itself; another path (relative to the analysed file's
    folder, e.g. `.env.example`) targets a sibling file, which is created when it is missing.
    Edits on other files append `new_text` when `start_byte == end_byte == -1`.
    """

    start_byte: int
    end_byte: int
    new_text: str
    path: str | None = None

    def __post_init__(self) -> None:
        if self.path is None and not 0 <= self.start_byte <= self.end_byte:
            raise ValueError(f"invalid edit range {self.start_byte}..{self.end_byte}")


@dataclass(frozen=True)
class Fix:
    """A named set of edits; only `safe` fixes are applied without review (fix-all)."""

    title: str
    edits: tuple[Edit, ...]
    safe: bool

    def __post_init__(self) -> None:
        if not self.edits:
            raise ValueError("a fix needs at least one edit")
        if not self.title:
            raise ValueError("a fix needs a title")


@dataclass(frozen=True)
class Position:
    """A zero-based line and a zero-based byte column within that line (tree-sitter's point)."""

    line: int
    column: int


@dataclass(frozen=True)
class Finding:
    """One reported weakness at a byte range of one file."""

    rule_id: str
    message: str
    severity: Severity
    confidence: Confidence
    start_byte: int
    end_byte: int
    start: Position
    end: Position
    fix: Fix | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    cwe: tuple[int, ...] = ()  # most precise first; the engine fills it from the rule when a check is silent
    # Other ways to fix the same finding (e.g. "use the Django setting" besides "move to an
    # environment variable"); front ends offer them after `fix`, never in fix-all.
    alternative_fixes: tuple[Fix, ...] = ()

    @property
    def fixes(self) -> tuple[Fix, ...]:
        """Every fix offered for the finding, the preferred one first."""
        return ((self.fix,) if self.fix is not None else ()) + self.alternative_fixes

    @property
    def cwe_url(self) -> str | None:
        """The MITRE page of the finding's main weakness."""
        return f"https://cwe.mitre.org/data/definitions/{self.cwe[0]}.html" if self.cwe else None


@dataclass(frozen=True)
class Report:
    """What a rule's `where` check may return instead of `True` to shape its finding.

    Every field left as None keeps the rule's default; `node` moves the reported range.
    """

    message: str | None = None
    confidence: Confidence | None = None
    severity: Severity | None = None
    node: Any = None
    data: Mapping[str, Any] | None = None
    cwe: tuple[int, ...] | None = None  # the weakness this finding is, when narrower than the rule's list


# A `where` check returns False/None (no finding), True (the rule's defaults) or a Report.
WhereCheck = Callable[["Match"], "bool | Report | None"]
FixBuilder = Callable[["Match"], "Fix | None"]
# A file-level scanner for rules no single query expresses (secrets in config files, manifests).
FileScanner = Callable[[Any], "list[Finding]"]

_RULE_ID = linear(r"^[a-z0-9]+(-[a-z0-9]+)+$")


@dataclass(frozen=True, eq=False)  # compared by identity: a rule is declared once
class Rule:
    """A declarative security rule: metadata, how it matches, and how it may be fixed.

    A rule matches through a tree-sitter `query` (capture the reported node as `@target`),
    through `calls` (alias-resolved callee names such as `hashlib.md5`, or `.execute` for a
    method of any receiver; the call is the target, its callee `@fn`, its arguments `@args`),
    or through `scan`, a function over the whole file for rules no query can express.
    """

    id: str
    title: str
    category: Category
    cwe: tuple[int, ...]
    severity: Severity
    confidence: Confidence
    languages: frozenset[str]
    message: str
    docs: str
    references: tuple[str, ...]
    examples: str
    query: str | None = None
    calls: frozenset[str] = frozenset()
    where: WhereCheck | None = None
    fix: FixBuilder | None = None
    scan: FileScanner | None = None
    owasp: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()  # Bandit / Ruff codes (`B602`, `S602`) that suppress this rule
    fixable: bool = False
    options: Mapping[str, Any] = field(default_factory=dict)  # documented defaults of per-rule options

    def __post_init__(self) -> None:
        if not _RULE_ID.match(self.id):
            raise ValueError(f"rule id {self.id!r} must be kebab-case")
        if not self.cwe or not all(isinstance(c, int) and c > 0 for c in self.cwe):
            raise ValueError(f"rule {self.id}: cwe must be a non-empty tuple of positive ints")
        if self.query is None and not self.calls and self.scan is None:
            raise ValueError(f"rule {self.id}: needs a query, calls or scan")
        if not self.languages:
            raise ValueError(f"rule {self.id}: needs at least one language")
        if self.fix is not None and not self.fixable:
            object.__setattr__(self, "fixable", True)

    @property
    def cwe_url(self) -> str:
        return f"https://cwe.mitre.org/data/definitions/{self.cwe[0]}.html"
