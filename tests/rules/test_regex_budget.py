"""Every regex vetline runs stays fast on adversarial input (a guard against backtracking blow-ups).

The patterns are enumerated, not listed: everything compiled through `vetline.rules.patterns`
(vetline's own and detect-secrets' provider patterns in the form vetline searches), and the
`#match?` predicates of every rule query (which py-tree-sitter runs with `re`). A new pattern
is covered without touching this file. The time limit is generous on purpose: it catches
exponential and quadratic blow-ups (seconds to hours), not slow constant factors.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import time
from pathlib import Path

import pytest
import re2
import vetline.rules
import vetline.server
from vetline.rules import patterns
from vetline.rules.registry import all_rules
from vetline.rules.secrets import _detect

SIZE = 10_000  # characters per adversarial string: quadratic work on this takes many seconds
# For all (about 2 MB of) adversarial strings of one pattern together. The slowest linear pattern
# takes about 1 s on an idle 2-core machine and 4.6 s was seen under a load average of 10; a
# quadratic one takes minutes on these 10,000-character strings, so 10 s still tells them apart.
BUDGET_SECONDS = 10.0
PER_MATCH_SECONDS = 50e-6
REPO = Path(__file__).resolve().parents[2]
_META = re.compile(r"\\[A-Za-z]|[\\\[\](){}?*+|^$.]")
_PREDICATE = re.compile(r'\(#(?:not-)?match\? @\w+ "((?:[^"\\]|\\.)*)"\)')

GENERIC = (
    " ",
    "\t",
    " \t",
    "a: ",
    "a ",
    "=",
    " = ",
    ":",
    "-",
    "_",
    ".",
    "/",
    "@",
    "'",
    '"',
    "\\n",
    "\n",
    "sk-",
    "sk-proj-",
    "ghp_",
    "xoxb-1-",
    "AKIA",
    "://",
    "a:b@",
    "key=",
    "${",
    "aA0",
)
PREFIXES = (
    "key",
    "key:",
    "k = a",
    "k: a",
    "k=a",
    "-----BEGIN RSA PRIVATE KEY-----\n",
    "password = ",
    "export KEY=",
    "  key: ",
    "https://u:",
)


def _load_everything() -> None:
    """Import every module of vetline so that every pattern is compiled and registered."""
    for package in (vetline.rules, vetline.server):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if not info.name.endswith("__main__"):
                importlib.import_module(info.name)
    all_rules()
    _detect._provider_patterns()


def _fragments(source: str) -> list[str]:
    """The literal pieces of a pattern's source, longest first, and its single characters."""
    pieces = {piece for piece in _META.split(source) if piece}
    singles = {char for char in source if not char.isspace()}
    return sorted(pieces, key=len, reverse=True)[:12] + sorted(singles)[:12]


def adversarial(source: str) -> list[str]:
    """Strings built to make a backtracking matcher work hard on `source`."""
    texts = []
    for fragment in [*_fragments(source), *GENERIC]:
        run = fragment * (SIZE // len(fragment))
        texts.extend((run, run + "!", "x" + run + "\x00"))
    for prefix in PREFIXES:
        for fragment in GENERIC[:6]:
            run = prefix + fragment * (SIZE // len(fragment))
            texts.extend((run, run + "x", run + "x!", run + "\x00"))
    return texts


def _as_text(registered: patterns.Registered) -> tuple[str, bool]:
    source = registered.source
    return (source.decode("latin-1"), True) if isinstance(source, bytes) else (source, False)


def _registered() -> list[patterns.Registered]:
    _load_everything()
    unique = {(r.source, r.flags, r.engine): r for r in patterns.REGISTRY}
    return list(unique.values())


def _predicates() -> list[str]:
    found = set()
    for rule in all_rules():
        for raw in _PREDICATE.findall(rule.query or ""):
            found.add(raw.encode().decode("unicode_escape"))
    return sorted(found)


REGISTERED = _registered()


def _run(search: object, texts: list[str]) -> float:
    """Seconds to find every match in `texts`, less a fixed allowance per match found (a pattern
    that matches every character yields 10,000 Python objects: linear, but not free)."""
    started = time.perf_counter()
    matches = 0
    for text in texts:
        matches += sum(1 for _ in search.finditer(text))  # type: ignore[attr-defined]
        search.match(text)  # type: ignore[attr-defined]
    return time.perf_counter() - started - matches * PER_MATCH_SECONDS


@pytest.mark.parametrize("registered", REGISTERED, ids=lambda r: repr(r.source)[:60])
def test_every_vetline_pattern_is_fast_on_adversarial_input(registered: patterns.Registered) -> None:
    """Ensure that each registered pattern scans adversarial strings within the time budget."""
    source, is_bytes = _as_text(registered)
    texts = adversarial(source)
    if is_bytes:
        texts = [text.encode("utf-8") for text in texts]
    elapsed = _run(registered.compiled, texts)
    assert elapsed < BUDGET_SECONDS, f"{source!r} took {elapsed:.1f} s on adversarial input"


@pytest.mark.parametrize("source", _predicates())
def test_every_query_match_predicate_is_fast_on_adversarial_input(source: str) -> None:
    """Ensure that each `#match?` predicate (run by tree-sitter with `re`) stays within the budget."""
    elapsed = _run(re.compile(source), adversarial(source))
    assert elapsed < BUDGET_SECONDS, f"{source!r} took {elapsed:.1f} s on adversarial input"


def test_every_linear_pattern_compiles_with_re2() -> None:
    """Ensure that every pattern registered through `linear()` (compiled lazily) is one RE2 runs."""
    for registered in REGISTERED:
        if registered.engine == "re2":
            assert registered.compiled.compile_now() is not None, registered.source


def test_the_enumeration_sees_the_hot_patterns() -> None:
    """Ensure that the enumeration holds the secrets patterns and detect-secrets' provider patterns."""
    sources = {_as_text(r)[0] for r in REGISTERED}
    assert any("PRIVATE KEY" in s for s in sources)
    assert any("glpat" in s for s in sources)  # a detect-secrets plugin, in its RE2 form
    assert any("AccountKey=" in s for s in sources)
    assert len(_predicates()) >= 5


def test_backtracking_patterns_are_few_and_explained() -> None:
    """Ensure that every pattern left on `re` carries a reason and RE2 truly cannot compile it."""
    for registered in REGISTERED:
        if registered.engine == "re":
            assert registered.why
            with pytest.raises(re2.error):
                patterns.linear(registered.source, registered.flags).compile_now()


def test_no_module_compiles_a_regex_behind_the_registry() -> None:
    """Ensure that rules/ and server/ compile input-facing patterns only through `rules.patterns`."""
    offenders = []
    for path in [*REPO.glob("rules/**/*.py"), *REPO.glob("server/**/*.py")]:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if "re.compile(" in line and "pattern source" not in line and path.name != "patterns.py":
                offenders.append(f"{path.relative_to(REPO)}:{number}")
    assert offenders == []


@pytest.mark.parametrize(
    "text, language",
    [
        ('"""-----BEGIN RSA PRIVATE KEY-----\n' + "a: " * 200 + '"""\n', "python"),
        ('K="-----BEGIN RSA PRIVATE KEY-----\\n' + "a: " * 200 + '"\n', "dotenv"),
        ("key:" + " " * 100_000 + "x\n", "yaml"),
        ("key" + " " * 100_000 + "x\n", "toml"),
        ("key" + " " * 100_000 + "x\n", "ini"),
        ('x = "' + "sk-" * 30_000 + '"\n', "python"),
    ],
    ids=["pem-header", "pem-dotenv", "yaml-spaces", "toml-spaces", "ini-spaces", "sk-runs"],
)
def test_issue_reproductions_analyse_quickly(text: str, language: str) -> None:
    """Ensure that the reported pathological files analyse in well under the seconds they took."""
    from vetline.rules.engine import Engine

    engine = Engine(all_rules())
    started = time.perf_counter()
    analysis = engine.analyze(text.encode(), language, f"x.{language}")
    assert analysis.errors == ()
    assert time.perf_counter() - started < 5.0


def test_a_pattern_past_re2s_dfa_budget_writes_nothing_on_standard_error(capfd: pytest.CaptureFixture[str]) -> None:
    """The shell assignment forms outgrow RE2's DFA memory on a long script; the user's terminal
    must not fill with RE2's "DFA out of memory" lines while the scan goes on finding things."""
    shell = next(r.compiled for r in patterns.REGISTRY if r.engine == "re2" and "typeset" in str(r.source))
    script = "".join(f"A{i}=\"v{i}\" b --opt{i}='x y' c=`z`; " + ("\\n" if i % 7 else "\n") for i in range(4000))
    assert sum(1 for _ in shell.finditer(script)) > 1000
    assert "DFA out of memory" not in capfd.readouterr().err
