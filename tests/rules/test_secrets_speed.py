"""The shortcuts that keep the secrets scan fast must give exactly the slow paths' answers:
the provider prefilter, the entropy bound, and string values read from the source bytes."""

from __future__ import annotations

import random
import string

import pytest
import tree_sitter
from vetline.rules import languages
from vetline.rules.secrets import _detect, _values

# One string per detect-secrets provider pattern (built by concatenation: nothing real-looking
# is committed), plus near misses.
TOKENS = [
    "AKIA" + "IOSFODNN7EXAMPLE",
    "gh" + "p_" + "a1B2" * 9,
    "xo" + "xb-123-abc",
    "sk_" + "live_" + "a1B2" * 6,
    "AK" + "C" + "a1B2c3D4e5f6",
    " A" + "P1abcdefghij ",
    '"cloudant_api_key": "' + "abcd" * 6 + '"',
    "ibm_cloud_iam_key = " + "a1B2" * 11,
    "S" + "G." + "a" * 22 + "." + "b" * 43,
    "123456789:" + "a1B2c" * 7,
    "M" + "a1B2" * 6 + ".abcdef." + "b" * 27,
    "https://hooks.slack" + ".com/services/T1/B2/c3",
    "//registry/:_authToken=" + "npm_abc",
    "a1b2" * 8 + "-us12",
    "A" + "C" + "a1b2" * 8,
    "gl" + "pat-" + "a1B2" * 5,
    "aws_secret_key = '" + "a1B/" * 10 + "'",
    "sl_api_key = " + "a1b2" * 16,
    "pypi-" + "AgEIcHlwaS5vcmc" + "a" * 70,
    "sq0" + "csp-" + "a1B2" * 11,
    "Account" + "Key=" + "a1B2" * 22,
    "ey" + "JhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc",
    "sk-" + "proj-" + "Q7wE2rT9yU4iO1pA6sD3" + "T3Blbk" + "FJ" + "fG8hJ5kL0zX2cV7bN4mQ",
]


def mutations(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    alphabet = string.ascii_letters + string.digits + "-_.:/=+\"' @"
    found = list(TOKENS)
    for _ in range(count):
        text = list(rng.choice(TOKENS))
        for _ in range(rng.randint(0, 3)):
            text[rng.randrange(len(text))] = rng.choice(alphabet)
        found.append("".join(text))
    return found


def test_provider_prefilter_passes_every_string_a_plugin_matches() -> None:
    """Ensure that the joined prefilter never drops a string some detect-secrets plugin reports."""
    hits = 0
    for text in mutations(4, 3000):
        reported = any(next(plugin.analyze_string(text), None) is not None for plugin in _detect._provider_plugins())
        hits += reported
        assert not reported or _detect._may_hold_provider(text), text
    assert hits > len(TOKENS)  # the sample does exercise the plugins


def _file_of_literals(rng: random.Random) -> list[str]:
    """A file's literal texts: keys and near misses amid prose, short texts, line breaks, non-ASCII,
    keys at either edge of a text and texts that only match across a line break."""
    noise = ["", "x", "ok", "a plain sentence of prose", "é" * 20, "line one\nline two", "AK", "C" * 15, "\n"]
    texts = []
    for _ in range(rng.randint(1, 40)):
        choice = rng.random()
        if choice < 0.4:
            texts.append(rng.choice(noise))
        elif choice < 0.7:
            texts.append(rng.choice(mutations(rng.randrange(1000), 3)))
        else:
            token = rng.choice(TOKENS)
            cut = rng.randrange(len(token))
            texts.extend([token[:cut], token[cut:]] if rng.random() < 0.5 else [f"{rng.choice(noise)}{token}\n"])
    return texts


def test_provider_check_of_a_whole_file_agrees_with_the_check_of_each_literal() -> None:
    """Ensure that the one joined search of a file's literals gives each literal's own answer."""
    rng = random.Random(11)
    hits = 0
    for _ in range(400):
        texts = _file_of_literals(rng)
        expected = [_detect.may_hold_provider(text) for text in texts]
        assert _detect.may_hold_provider_each(texts) == expected, texts
        hits += sum(expected)
    assert hits > 400  # the files do hold keys
    assert _detect.may_hold_provider_each([]) == []


def test_entropy_bound_agrees_with_detect_secrets() -> None:
    """Ensure that skipping the entropy measure for few distinct characters changes no answer."""
    rng = random.Random(7)
    for _ in range(5000):
        charset = rng.choice([string.hexdigits.lower()[:16], string.ascii_letters + string.digits + "+/="])
        chosen = rng.sample(charset, rng.randint(1, len(charset)))
        value = "".join(rng.choice(chosen) for _ in range(rng.randint(16, 60)))
        slow = next(
            (
                str(p.secret_type)
                for p in (_detect._HEX, _detect._BASE64)
                if set(value) <= set(p.charset) and p.calculate_shannon_entropy(value) > p.entropy_limit
            ),
            None,
        )
        assert _detect.entropy_type.__wrapped__(value) == slow, value


PYTHON_STRINGS = [
    '"plain"',
    "'single'",
    '"""triple\nlines"""',
    "'''t'''",
    '""',
    "''",
    'b"bytes"',
    'rb"\\d+"',
    'f"{x}-y"',
    'f"no braces"',
    'F"{{literal}}"',
    'u"unicode é 秘密"',
    '"esc\\"aped"',
    '"a" "b"',
    'r"{raw}"',
    '"""a"b"""',
]
JS_STRINGS = ['"plain"', "'single'", "`template`", "`t-${x}`", '"esc\\"aped"', "''", "`{not}`"]


@pytest.mark.parametrize(("language", "literals"), [("python", PYTHON_STRINGS), ("javascript", JS_STRINGS)])
def test_string_value_read_from_source_matches_the_tree(language: str, literals: list[str]) -> None:
    """Ensure that reading a literal's text from its bytes gives what reading its nodes gives."""
    source = "\n".join(f"x{i} = {text}" for i, text in enumerate(literals)).encode()
    tree = languages.parser(language).parse(source)
    kinds = "(string) (concatenated_string)" if language == "python" else "(string) (template_string)"
    query = tree_sitter.Query(languages.grammar(language), f"[{kinds}] @s")
    nodes = tree_sitter.QueryCursor(query).captures(tree.root_node)["s"]
    assert len(nodes) >= len(literals)
    for node in nodes:
        assert _values.literal_value(source, node, node.type) == _values.tree_value(node), node.text


ROLES = [
    "assign",
    "keyword",
    "key",
    "default",
    "compare",
    "argument",
    "signing",
    "key-argument",
    "comment",
    "text",
    "docstring",
    "paired",
]
NAME_CLASSES = [None, "password", "credential", "signing"]


def literal_texts(seed: int, count: int) -> list[str]:
    """Short and long texts: tokens, their mutations, prefixes, URLs, key headers, words."""
    rng = random.Random(seed)
    pieces = [
        *TOKENS,
        "sk-",
        "ghp_",
        "AKIA",
        "xoxb",
        "://",
        "https://u:p@h",
        "-----BEGIN RSA PRIVATE KEY-----",
        "PuTTY",
        "changeme",
        "hunter2",
        "s3cr3t-Pa55",
        "Password",
        "a",
        " ",
        "${X}",
        "abc123",
        "0123456789",
    ]
    found = mutations(seed, count // 2)
    for _ in range(count // 2):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 3)))
        found.append(text[: rng.randint(0, len(text))])
    return found


def test_literals_ruled_out_early_are_never_classified_as_secrets() -> None:
    """Ensure that every literal the cheap prefilter skips gets no verdict from `classify`."""
    from vetline.rules.secrets import _scan

    skipped = 0
    for text in literal_texts(11, 1500):
        for role in ROLES:
            for name_class in NAME_CLASSES:
                for interpolated in (False, True):
                    if _scan.cannot_own(text, name_class, role, interpolated):
                        skipped += 1
                        verdict = _scan.classify.__wrapped__(text, name_class, role, interpolated, False)
                        assert verdict is None, (text, name_class, role, interpolated)
    assert skipped > 4_000  # the prefilter does rule most combinations out


def test_one_search_of_every_provider_pattern_agrees_with_each_pattern() -> None:
    """Ensure that the joined provider alternation matches exactly the texts some pattern matches."""
    regexes = [regex for _, group in _detect._provider_patterns() for regex in group]
    for text in literal_texts(5, 1500):
        each = any(regex.search(text) for regex in regexes)
        assert (_detect._any_provider().search(text) is not None) == each, text
