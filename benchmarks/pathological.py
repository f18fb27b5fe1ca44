"""Time vetline's analysis on pathological file shapes at two sizes, per kilobyte.

Usage: python benchmarks/pathological.py [--scale N]
Each shape (long operator chains, deep nesting, huge literals, long lines, many small
functions) is generated at a base size and at 4x that size and analysed in-process with every
rule on. Printed: milliseconds per kilobyte at both sizes and their ratio; a ratio near 1 is
linear, near 4 quadratic. Every shape ends with `eval(input())`, which must still be found.
Target (issue 15): every analysis linear or near-linear in the file size.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from vetline.rules.engine import Engine
from vetline.rules.registry import all_rules

PLANTED = "\neval(input())\n"


def _join(op: str, item: str) -> Callable[[int], str]:
    return lambda n: "x = " + op.join([item] * n) + PLANTED


_SINKS = [
    "    exec(x)\n",
    "    os.system(x)\n",
    '    cursor.execute("select " + x)\n',
    "    open(x)\n",
    "    pickle.loads(x)\n",
    "    subprocess.call(x, shell=True)\n",
    "    redirect(x)\n",
    '    log.info("password %s", x)\n',
]
# JavaScript: the same question in a function of the other language's rules (found: js-eval-of-dynamic-code).
_JS_SINKS = ["  eval(x);\n", "  el.innerHTML = x;\n", '  db.query("select " + x);\n', "  res.redirect(x);\n"]
JS_SHAPES: dict[str, tuple[Callable[[int], str], int]] = {
    "many sinks in one JS function": (
        lambda n: "function f(x, el, db, res) {\n" + "".join(_JS_SINKS[i % 4] for i in range(n)) + "}\n" + JS_PLANTED,
        2_000,
    ),
}
JS_SHAPES["nested callbacks"] = (lambda n: "f(function () {\n" * n + "});\n" * n + JS_PLANTED, 500)
JS_PLANTED = "\neval(prompt());\n"

SHAPES: dict[str, tuple[Callable[[int], str], int]] = {
    # name: (generator of a file with n repetitions, base n)
    "a+a+...+a": (_join("+", "a"), 20_000),
    '"s"+"s"+...': (_join("+", '"s"'), 10_000),
    "a or a or ...": (_join(" or ", "a"), 10_000),
    "a < a < ...": (_join(" < ", "a"), 10_000),
    "a.b.b.b...": (lambda n: "x = a" + ".b" * n + PLANTED, 10_000),
    "f(f(f(...)))": (lambda n: "x = " + "f(" * n + "a" + ")" * n + PLANTED, 5_000),
    "[[[...]]]": (lambda n: "x = " + "[" * n + "]" * n + PLANTED, 5_000),
    "nested if": (
        lambda n: "".join(" " * (i % 200) + "if x:\n" for i in range(n)) + " " * (n % 200) + "pass" + PLANTED,
        2_000,
    ),
    "tainted a=a+input()": (
        lambda n: "import requests\nurl = 'https://'\n" + "url = url + input()\n" * n + "requests.get(url)" + PLANTED,
        5_000,
    ),
    "huge literal": (lambda n: 'x = "' + "ab" * n + '"' + PLANTED, 200_000),
    "long line of spaces": (lambda n: "x = 1" + " " * n + "# c" + PLANTED, 200_000),
    "many small functions": (
        lambda n: "".join(f"def f{i}(a):\n    return a + {i}\n" for i in range(n)) + PLANTED,
        5_000,
    ),
    "many assignments": (lambda n: "".join(f"v{i} = v{i - 1} + '{i}'\n" for i in range(n)) + PLANTED, 10_000),
    # One function with thousands of sinks of every kind: each asked for its argument's last binding.
    "many sinks in one function": (
        lambda n: (
            "import os, pickle, subprocess\ndef f(x):\n" + "".join(_SINKS[i % len(_SINKS)] for i in range(n)) + PLANTED
        ),
        2_000,
    ),
    # A Flask module of many routes: each route's finding compares it with all its siblings.
    "many routes": (
        lambda n: (
            "from flask import Flask, request\napp = Flask(__name__)\n"
            + "".join(
                f"@app.route('/r{i}', methods=['POST'])\ndef r{i}():\n    return request.form['a']\n" for i in range(n)
            )
            + PLANTED
        ),
        1_000,
    ),
    # Many digests in one function: each looks for later uses of the name it is stored in.
    "many md5 digests": (
        lambda n: (
            "import hashlib\ndef f(x):\n"
            + "".join(f"    h{i} = hashlib.md5(x).hexdigest()\n" for i in range(n))
            + PLANTED
        ),
        1_000,
    ),
    # Taint carried through every assignment to a sink at the end: the data-flow walk is exercised.
    "tainted assignment chain": (
        lambda n: (
            "v0 = input()\n" + "".join(f"v{i} = v{i - 1} + 'x'\n" for i in range(1, n)) + f"eval(v{n - 1})" + PLANTED
        ),
        5_000,
    ),
}


def measure(engine: Engine, source: str, language: str = "python") -> tuple[float, bool]:
    """Seconds to parse and analyse `source`, and whether the planted `eval` was found."""
    data = source.encode()
    started = time.perf_counter()
    analysis = engine.analyze(data, language, "pathological." + ("py" if language == "python" else "js"))
    elapsed = time.perf_counter() - started
    last_line = data.rstrip(b"\n").count(b"\n")
    rule = "eval-of-dynamic-code" if language == "python" else "js-eval-of-dynamic-code"
    found = any(f.rule_id == rule and f.start.line == last_line for f in analysis.findings)
    return elapsed, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every base size")
    parser.add_argument("--only", action="append", help="run only this shape (repeatable)")
    args = parser.parse_args()
    engine = Engine(all_rules())
    engine.analyze(b"import os\n", "python", "warm.py")  # compile queries once, outside the timing
    print(f"{'shape':30s} {'size':>9s} {'ms/KB':>8s} {'size x4':>9s} {'ms/KB':>8s} {'ratio':>6s}  eval found")
    shapes = [(name, shape, "python") for name, shape in SHAPES.items()]
    shapes += [(name, shape, "javascript") for name, shape in JS_SHAPES.items()]
    for name, (make, base), language in shapes:
        if args.only and name not in args.only:
            continue
        n = max(1, int(base * args.scale))
        small, large = make(n), make(4 * n)
        t_small, found_small = measure(engine, small, language)
        t_large, found_large = measure(engine, large, language)
        per_kb_small = 1000 * t_small / (len(small) / 1024)
        per_kb_large = 1000 * t_large / (len(large) / 1024)
        print(
            f"{name:30s} {len(small) / 1024:7.0f}KB {per_kb_small:8.3f} {len(large) / 1024:7.0f}KB"
            f" {per_kb_large:8.3f} {per_kb_large / per_kb_small:6.2f}  {found_small and found_large}"
        )


if __name__ == "__main__":
    main()
