"""Issue 15 parts 7 and 9: deep and long shapes are analysed whole, without a RecursionError and
without losing the findings beside them (timings live in benchmarks/pathological.py)."""

from __future__ import annotations

import pytest
from vetline.rules.engine import DEEP_NESTING, Engine
from vetline.rules.registry import all_rules

ENGINE = Engine(all_rules())


def findings(text: str) -> tuple[list[tuple[str, int]], tuple[str, ...]]:
    analysis = ENGINE.analyze(text.encode(), "python", "deep.py")
    return [(f.rule_id, f.start.line) for f in analysis.findings], analysis.errors


def test_eval_under_493_nested_ifs_is_found() -> None:
    """Ensure that `eval` under 493 nested `if`s is reported (it was lost to a RecursionError)."""
    text = "".join(" " * i + "if x:\n" for i in range(493)) + " " * 493 + "eval(input())\n"
    found, errors = findings(text)
    assert ("eval-of-dynamic-code", 493) in found and errors == ()


def test_ssrf_url_built_on_itself_does_not_recurse() -> None:
    """Ensure that `url = url + ...` ends the prefix walk (a RecursionError in ssrf-tainted-url)."""
    _, errors = findings('import requests\nurl = "https://"\nurl = url + input()\nrequests.get(url)\n')
    assert errors == ()
    request_source = (
        "import requests\nfrom flask import request\n"
        'url = "https://"\nurl = url + request.args["u"]\nrequests.get(url)\n'
    )
    assert findings(request_source) == ([("ssrf-tainted-url", 4)], ())


@pytest.mark.parametrize(
    "expression",
    ["+".join(["a"] * 100_000), " or ".join(["a"] * 20_000), "f(" * 3_000 + "a" + ")" * 3_000],
    ids=["100k-operand-sum", "long-or-chain", "deep-calls"],
)
def test_long_chains_keep_the_finding_after_them(expression: str) -> None:
    """Ensure that a pathological expression neither fails a rule nor hides the `eval` after it."""
    found, errors = findings(f"x = {expression}\neval(input())\n")
    assert ("eval-of-dynamic-code", 1) in found and errors == ()


def test_nesting_past_the_query_limit_is_reported_as_partial() -> None:
    """Ensure that 20,000 chained attributes (deeper than a query may start) keep the `eval` after
    them and say that findings inside the chain may be missing (so a scan fails, never passes)."""
    found, errors = findings("x = a" + ".b" * 20_000 + "\neval(input())\n")
    assert ("eval-of-dynamic-code", 1) in found and errors == (DEEP_NESTING,)


def test_many_assignments_keep_taint_to_the_end() -> None:
    """Ensure that taint flows through 5,000 successive assignments to the sink."""
    lines = "".join(f"v{i} = v{i - 1} + 'x'\n" for i in range(1, 5_000))
    found, errors = findings(f"v0 = input()\n{lines}eval(v4999)\n")
    assert ("eval-of-dynamic-code", 5_000) in found and errors == ()


def test_a_long_signature_chain_after_a_random_salt_does_not_recurse() -> None:
    """Ensure that a 5,000-operand `+` chain joining a random salt with a key is analysed whole
    (insecure-random-for-secrets flattened it recursively), and that the salt of a password hash
    after it is still reported."""
    chain = " + ".join(["x"] * 5_000)
    text = (
        "import random\n"
        "def sign(secret):\n"
        "    salt = str(random.randint(0, 9))\n"
        f"    payload = salt + {chain} + secret\n"
        "    return payload\n"
        "def hashed(password):\n"
        "    salt = str(random.randint(0, 9))\n"
        "    return md5(password + salt)\n"
    )
    found, errors = findings(text)
    assert errors == ()
    assert [f for f in found if f[0] == "insecure-random-for-secrets"] == [("insecure-random-for-secrets", 6)]
