"""Validate one `[[rule]]` table of a project rule file into a `ProjectRule`, or say what is wrong.

Every problem is a `RuleProblem` whose text names the key and, where a typo is likely, the
closest valid spelling (`sevrity` -> `severity`, `pyhton` -> `python`). Queries are compiled for
each of the rule's languages here, so a query that cannot run is an error when the rule is
loaded, never a silent rule that matches nothing.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tree_sitter

from ..model import Category, Confidence, Rule, Severity
from ..patterns import linear
from ._matchers import ArgumentCondition, CallCheck, QueryScan, TemplateFix, compiled, placeholders

LANGUAGES = ("python", "javascript", "typescript", "typescriptreact")
REQUIRED = ("id", "message", "severity", "cwe", "category", "languages")
OPTIONAL = (
    "title", "confidence", "calls", "arguments", "query", "taint", "taint_argument", "fix",
    "examples", "fixed", "docs", "references", "owasp",
)  # fmt: skip
KEYS = (*REQUIRED, *OPTIONAL)
ARGUMENT_KEYS = ("position", "keyword", "constant", "equals")
FIX_KEYS = ("replace", "title", "safe")
# Query predicates whose argument is a regular expression: Python's `re` backtracks, so a
# repository's pattern could freeze the editor. The other predicates compare text exactly.
_REGEX_PREDICATE = linear(r"#(?:not-|any-|any-not-)?match\?")
_QUERY_STRING = linear(r'"(?:[^"\\]|\\.)*"')
_QUERY_COMMENT = linear(r";[^\n]*")
# A quantifier (`*`, `+`, `?`) after a node, a group, an anonymous node or the `_` wildcard.
_QUANTIFIER = linear(r'(?:[)\]"]|(?:^|[^\w-])_)\s*[*+?]')
_CALL_PLACEHOLDERS = frozenset({"fn", "args", "target"})
# tree-sitter's query parser recurses once per `(`/`[`: some tens of thousands of levels overflow
# the C stack and kill the process (a segmentation fault, no exception), so depth is checked first.
MAX_QUERY_DEPTH = 64
# Compiling a query costs about 2.5 ms per pattern per language (16 KiB: about a second), and a
# project's rules load on every change of a rule file: one query and all of a project's are bounded.
MAX_QUERY_BYTES = 16 << 10
_ID = linear(r"^[a-z0-9]+(-[a-z0-9]+)+$")


class RuleProblem(ValueError):
    """A rule table that cannot become a rule; the text names the key and the problem."""


@dataclass(frozen=True)
class ProjectRule:
    """A rule declared in `.vetline/rules/*.toml`, with its examples per language for `test-rules`."""

    rule: Rule
    path: Path
    examples: Mapping[str, str] = field(default_factory=dict)
    fixed: Mapping[str, str] = field(default_factory=dict)


def build(table: Mapping[str, Any], path: Path, shown: str) -> ProjectRule:
    """The project rule the table declares; `shown` is the file's name as the user sees it."""
    _check_keys(table, KEYS, "key")
    missing = [key for key in REQUIRED if key not in table]
    if missing:
        raise RuleProblem(f"missing required key{'s' if len(missing) > 1 else ''} {_names(missing)}")
    rule_id = _rule_id(table["id"])
    languages = _languages(table["languages"])
    has_calls, has_query = "calls" in table, "query" in table
    if has_calls == has_query:
        raise RuleProblem("needs exactly one matcher: `calls = [...]` or `query = '''...'''`")
    examples = _per_language(table.get("examples", {}), languages, "examples")
    fixed = _per_language(table.get("fixed", {}), languages, "fixed")
    fix = _fix(table["fix"]) if "fix" in table else None
    if fixed and fix is None:
        raise RuleProblem("`fixed` examples need a `fix`")
    matcher = _call_matcher(table, fix) if has_calls else _query_matcher(table, rule_id, languages, fix)
    message = _text(table["message"], "message")
    rule = Rule(
        id=rule_id,
        title=_text(table.get("title", message.split(". ")[0].rstrip(".")), "title"),
        category=_choice(table["category"], [c.value for c in Category], "category", Category),
        cwe=_cwe(table["cwe"]),
        severity=_choice(table["severity"], [s.label for s in Severity], "severity", Severity.parse),
        confidence=_choice(table.get("confidence", "medium"), [c.label for c in Confidence], "confidence",
                           lambda text: Confidence[text.upper()]),
        languages=frozenset(languages),
        message=message,
        docs=_text(table.get("docs", f"## Why is this bad?\n{message}"), "docs") + f"\n\nProject rule from `{shown}`.",
        references=_strings(table.get("references", []), "references"),
        owasp=_strings(table.get("owasp", []), "owasp"),
        examples=next(iter(examples.values()), ""),
        fixable=fix is not None,
        **matcher,
    )  # fmt: skip
    return ProjectRule(rule, path, examples, fixed)


def _call_matcher(table: Mapping[str, Any], fix: TemplateFix | None) -> dict[str, Any]:
    if "query" in table:
        raise RuleProblem("`calls` and `query` exclude each other")
    calls = _strings(table["calls"], "calls")
    if not calls or any(not name.strip(".*") for name in calls):
        raise RuleProblem("`calls` must list qualified names such as `mylib.unsafe_render` or `.execute`")
    conditions = tuple(_condition(item, i) for i, item in enumerate(_tables(table.get("arguments", []), "arguments")))
    taint = _boolean(table.get("taint", False), "taint")
    position, keyword = _argument_ref(table.get("taint_argument", 0), "taint_argument")
    if fix is not None:
        _check_placeholders(fix, lambda name: name in _CALL_PLACEHOLDERS or re.fullmatch(r"arg\d+", name) is not None)
    check = CallCheck(conditions, taint, position, keyword)
    return {"calls": frozenset(calls), "where": check if conditions or taint else None, "fix": fix}


def _query_matcher(
    table: Mapping[str, Any], rule_id: str, languages: list[str], fix: TemplateFix | None
) -> dict[str, Any]:
    for key in ("arguments", "taint_argument"):
        if key in table:
            raise RuleProblem(f"`{key}` needs `calls`; in a query, capture the value as `@value` instead")
    query = _text(table["query"], "query")
    if len(query.encode("utf-8")) > MAX_QUERY_BYTES:
        raise RuleProblem(f"`query` holds {len(query.encode('utf-8')):,} bytes, over the limit of {MAX_QUERY_BYTES:,}")
    _refuse_deep_nesting(query)
    _refuse_regex_predicates(query)
    _refuse_quantifiers(query)
    capture_names: set[str] = set()
    for language in languages:
        capture_names |= _compiled_captures(query, language)
    if "finding" not in capture_names:
        raise RuleProblem("`query` must capture the reported node as `@finding`")
    if fix is not None:
        _check_placeholders(fix, capture_names.__contains__)
    scan = QueryScan(rule_id, query, _boolean(table.get("taint", False), "taint"), fix)
    return {"scan": scan}


def _compiled_captures(query: str, language: str) -> set[str]:
    try:
        compiled_query = compiled(query, language)
    except (tree_sitter.QueryError, ValueError) as error:
        raise RuleProblem(f"`query` does not compile for {language}: {error}") from None
    if not all(compiled_query.is_pattern_rooted(i) for i in range(compiled_query.pattern_count)):
        raise RuleProblem(
            "`query` has a pattern of sibling nodes with no common parent (`((a) (b))`): such a "
            "pattern can match in very many ways; wrap the siblings in their parent node"
        )
    return {compiled_query.capture_name(i) for i in range(compiled_query.capture_count)}


def _refuse_deep_nesting(query: str) -> None:
    code = _QUERY_COMMENT.sub("", _QUERY_STRING.sub('""', query))
    depth = deepest = 0
    for char in code:
        if char in "([":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]":
            depth -= 1
    if deepest > MAX_QUERY_DEPTH:
        raise RuleProblem(
            f"`query` nests {deepest} levels of `(`/`[`, over the limit of {MAX_QUERY_DEPTH}; "
            "a real pattern needs a few levels"
        )


def _refuse_regex_predicates(query: str) -> None:
    code = _QUERY_COMMENT.sub("", _QUERY_STRING.sub('""', query))
    hit = _REGEX_PREDICATE.search(code)
    if hit is not None:
        raise RuleProblem(
            f"`query` uses `{hit.group(0)}`: regular expressions are not allowed in project rules "
            "(they could run for ever on a crafted file); use `#eq?` or `#any-of?`"
        )


def _refuse_quantifiers(query: str) -> None:
    """Quantified siblings (`(module (f)* @a (f)* @b)`, even with `?`) match a node's children in
    combinatorially many ways, minutes per file; a pattern without them matches once per place,
    and tree-sitter already skips the siblings a pattern does not name."""
    code = _QUERY_COMMENT.sub("", _QUERY_STRING.sub('""', query))
    hit = _QUANTIFIER.search(code)
    if hit is not None:
        raise RuleProblem(
            f"`query` uses the quantifier `{hit.group(0).strip()[-1]}`: quantifiers are not allowed in "
            "project rules (they can match in very many ways on a crafted file); name the nodes "
            "to match, tree-sitter skips the siblings in between"
        )


def _condition(table: Mapping[str, Any], index: int) -> ArgumentCondition:
    where = f"arguments[{index}]"
    _check_keys(table, ARGUMENT_KEYS, f"key of `{where}`")
    if ("position" in table) == ("keyword" in table):
        raise RuleProblem(f"`{where}` needs exactly one of `position` (a number from 0) or `keyword` (a name)")
    if "constant" not in table and "equals" not in table:
        raise RuleProblem(f"`{where}` needs a condition: `constant = false` or `equals = <value>`")
    position, keyword = _argument_ref(table.get("position", table.get("keyword")), where)
    equals = table.get("equals")
    if equals is not None and not isinstance(equals, (bool, int, float, str)):
        raise RuleProblem(f"`{where}.equals` must be true/false, a number or a string")
    constant = _boolean(table["constant"], f"{where}.constant") if "constant" in table else None
    return ArgumentCondition(position, keyword, constant, equals)


def _argument_ref(value: Any, where: str) -> tuple[int | None, str | None]:
    if isinstance(value, bool) or not isinstance(value, (int, str)) or (isinstance(value, int) and value < 0):
        raise RuleProblem(f"`{where}` must name an argument: a position from 0, or a keyword name")
    return (value, None) if isinstance(value, int) else (None, value)


def _fix(value: Any) -> TemplateFix:
    if isinstance(value, str):
        value = {"replace": value}
    if not isinstance(value, Mapping):
        raise RuleProblem("`fix` must be a template string or a table with `replace`, `title` and `safe`")
    _check_keys(value, FIX_KEYS, "key of `fix`")
    if "replace" not in value:
        raise RuleProblem("`fix` needs `replace`, the text that replaces the finding")
    title = _text(value.get("title", ""), "fix.title", allow_empty=True)
    return TemplateFix(
        _text(value["replace"], "fix.replace", allow_empty=True), title, _boolean(value.get("safe", False), "fix.safe")
    )


def _check_placeholders(fix: TemplateFix, known: Callable[[str], bool]) -> None:
    unknown = sorted(name for name in placeholders(fix.template) if not known(name))
    if unknown:
        used = _names(unknown, "`{{{}}}`")
        raise RuleProblem(f"`fix` uses {used}, which the matcher does not capture")


def _per_language(value: Any, languages: list[str], key: str) -> dict[str, str]:
    """`examples = '''...'''` (in the rule's first language) or a table of language = text."""
    if isinstance(value, str):
        return {languages[0]: value}
    if not isinstance(value, Mapping):
        raise RuleProblem(f"`{key}` must be a string or a table of language = string")
    for language in value:
        if language not in languages:
            raise RuleProblem(f"`{key}` names `{language}`, not one of the rule's languages ({_names(languages)})")
    return {language: _text(text, f"{key}.{language}") for language, text in value.items()}


def _rule_id(value: Any) -> str:
    if not isinstance(value, str) or not _ID.match(value):
        raise RuleProblem(f"`id` = {value!r} must be kebab-case with at least two words, e.g. `acme-unsafe-render`")
    return value


def _languages(value: Any) -> list[str]:
    names = list(_strings(value, "languages"))
    if not names:
        raise RuleProblem(f"`languages` must name at least one of {_names(LANGUAGES)}")
    for name in names:
        _choice(name, LANGUAGES, "languages", str)
    return list(dict.fromkeys(names))


def _cwe(value: Any) -> tuple[int, ...]:
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in values):
        raise RuleProblem("`cwe` must be a positive number (e.g. 79) or a list of them")
    return tuple(values)


def _choice(value: Any, choices: Collection[str], key: str, convert: Callable[[str], Any]) -> Any:
    if not isinstance(value, str) or value not in choices:
        raise RuleProblem(f"`{key}` = {value!r} is not one of {_names(choices)}{_suggest(value, choices)}")
    return convert(value)


def _check_keys(table: Mapping[str, Any], known: Collection[str], what: str) -> None:
    for key in table:
        if key not in known:
            raise RuleProblem(f"unknown {what} `{key}`{_suggest(key, known)}")


def _suggest(value: Any, choices: Collection[str]) -> str:
    close = difflib.get_close_matches(str(value), list(choices), n=1)
    return f" (did you mean `{close[0]}`?)" if close else ""


def _names(names: Collection[str], form: str = "`{}`") -> str:
    return ", ".join(form.format(name) for name in names)


def _text(value: Any, key: str, allow_empty: bool = False) -> str:
    if not isinstance(value, str) or not (value.strip() or allow_empty):
        raise RuleProblem(f"`{key}` must be a non-empty string")
    return value


def _strings(value: Any, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleProblem(f"`{key}` must be a list of strings")
    return tuple(value)


def _tables(value: Any, key: str) -> list[Mapping[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise RuleProblem(f"`{key}` must be a list of tables, e.g. [{{ position = 0, constant = false }}]")
    return value


def _boolean(value: Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise RuleProblem(f"`{key}` must be true or false")
    return value
