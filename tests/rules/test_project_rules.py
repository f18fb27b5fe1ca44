"""Project rules (`.vetline/rules/*.toml`): loading, validation errors, matching, fixes, containment."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest
from vetline.rules import project, registry, testing
from vetline.rules.engine import Engine
from vetline.rules.project import load_project_rules

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "project_rules"
VALID = """
[[rule]]
id = "team-eval-call"
message = "`team.evaluate` runs its argument as code."
severity = "high"
cwe = 95
category = "injection"
languages = ["python"]
calls = ["team.evaluate"]
"""
HEADER = """
[[rule]]
id = "team-broken"
message = "m"
severity = "high"
cwe = 95
category = "injection"
languages = ["python"]
"""


def write_rules(root: Path, text: str, name: str = "team.toml") -> Path:
    folder = root / ".vetline" / "rules"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def load(root: Path) -> project.ProjectRules:
    return load_project_rules(root, registry.by_id())


def findings(rule_set: project.ProjectRules, source: str, language: str = "python") -> list[tuple[str, int]]:
    analysis = Engine(rule_set.rules).analyze(source.encode(), language, "app.py")
    assert analysis.errors == ()
    return [(f.rule_id, f.start.line + 1) for f in analysis.findings]


def test_fixture_rules_load_without_errors() -> None:
    """Ensure that every rule of the fixture project loads, with no error."""
    loaded = load(FIXTURE)
    assert loaded.errors == ()
    assert sorted(loaded_rule.id for loaded_rule in loaded.rules) == [
        "acme-debug-toolbar-enabled",
        "acme-run-with-shell",
        "acme-template-from-request",
        "acme-unsafe-render",
    ]


def test_calls_rule_resolves_every_import_style(tmp_path: Path) -> None:
    """Ensure that `calls` matches through aliases, `from` imports and module aliases alike."""
    write_rules(tmp_path, VALID)
    source = (
        "import team\nimport team as t\nfrom team import evaluate\nfrom team import evaluate as ev\n"
        "team.evaluate(x)\nt.evaluate(x)\nevaluate(x)\nev(x)\nother.evaluate(x)\n"
    )
    assert findings(load(tmp_path), source) == [("team-eval-call", line) for line in (5, 6, 7, 8)]


def test_argument_condition_not_constant_uses_data_flow(tmp_path: Path) -> None:
    """Ensure that `constant = false` skips literals and names bound only to literals."""
    write_rules(tmp_path, VALID + "arguments = [{ position = 0, constant = false }]\n")
    source = (
        "import team\nCODE = '1 + 1'\nteam.evaluate('2')\nteam.evaluate(CODE)\nteam.evaluate(user)\n"
        "team.evaluate(int(user))\n"
    )
    assert findings(load(tmp_path), source) == [("team-eval-call", 5), ("team-eval-call", 6)]


def test_argument_condition_equals_keyword_value(tmp_path: Path) -> None:
    """Ensure that `{ keyword = "unsafe", equals = true }` fires only on `unsafe=True`."""
    write_rules(tmp_path, VALID + 'arguments = [{ keyword = "unsafe", equals = true }]\n')
    source = "import team\nteam.evaluate(x, unsafe=True)\nteam.evaluate(x, unsafe=False)\nteam.evaluate(x)\n"
    assert findings(load(tmp_path), source) == [("team-eval-call", 2)]


def test_argument_condition_equals_string(tmp_path: Path) -> None:
    """Ensure that `equals = "none"` matches the plain string literal, not an f-string or a name."""
    write_rules(tmp_path, VALID + 'arguments = [{ position = 1, equals = "none" }]\n')
    source = "import team\nteam.evaluate(x, 'none')\nteam.evaluate(x, f'{none}')\nteam.evaluate(x, none)\n"
    assert findings(load(tmp_path), source) == [("team-eval-call", 2)]


def test_taint_rule_reports_only_request_data(tmp_path: Path) -> None:
    """Ensure that `taint = true` reports request data and says where it came from, not unknown values."""
    write_rules(tmp_path, VALID + "taint = true\n")
    source = (
        "import team\nfrom flask import Flask, request\napp = Flask(__name__)\n\n"
        "@app.route('/x')\ndef view():\n    team.evaluate(request.args['q'])\n\n"
        "def helper(value):\n    team.evaluate(value)\n"
    )
    analysis = Engine(load(tmp_path).rules).analyze(source.encode(), "python", "app.py")
    (finding,) = analysis.findings
    assert finding.start.line == 6
    assert finding.message.startswith("`team.evaluate` runs its argument as code.")
    assert "request.args" in finding.message


def test_javascript_calls_rule_resolves_require_and_import(tmp_path: Path) -> None:
    """Ensure that a JS rule matches `require` and `import` aliases of the module."""
    write_rules(tmp_path, VALID.replace('["python"]', '["javascript"]'))
    source = (
        'const t = require("team");\nimport { evaluate as ev } from "team";\n'
        "t.evaluate(x);\nev(x);\nother.evaluate(x);\n"
    )
    assert findings(load(tmp_path), source, "javascript") == [("team-eval-call", 3), ("team-eval-call", 4)]


def test_query_rule_reports_the_finding_capture(tmp_path: Path) -> None:
    """Ensure that a `query` rule reports the node captured as `@finding`."""
    query = '\nquery = "(call function: (identifier) @f (#eq? @f \\"exec\\") arguments: (_) @finding)"\n'
    write_rules(tmp_path, HEADER.replace("team-broken", "team-exec-args") + query)
    source = "x = 1\nexec(code)\nexecute(code)\n"
    analysis = Engine(load(tmp_path).rules).analyze(source.encode(), "python", "app.py")
    assert [(f.start.line, f.start.column, f.end.column) for f in analysis.findings] == [(1, 4, 10)]


def test_fix_template_before_and_after() -> None:
    """Ensure that the fix templates turn the fixture examples into their `fixed` text."""
    for entry in load(FIXTURE).entries:
        for language, expected in entry.fixed.items():
            source = entry.examples[language].encode()
            analysis = Engine([entry.rule]).analyze(source, language, "example")
            fixes = [f.fix for f in analysis.findings if f.fix is not None]
            assert testing.apply_fixes(source, fixes).decode() == expected, entry.rule.id


def test_project_rules_pickle_for_worker_processes() -> None:
    """Ensure that project rules survive pickling (the CLI's parallel scan) and still match."""
    rules = pickle.loads(pickle.dumps(load(FIXTURE).rules))
    source = "import mylib\nmylib.unsafe_render(page)\n"
    analysis = Engine(rules).analyze(source.encode(), "python", "app.py")
    assert [f.rule_id for f in analysis.findings] == ["acme-unsafe-render"]


INVALID = [
    ("[[rule]\nid = 1", "invalid TOML"),
    (HEADER.replace('severity = "high"\n', ""), "rule `team-broken`: missing required key `severity`"),
    (HEADER + 'calls = ["a.b"]\nsevrity = "low"\n', "unknown key `sevrity` (did you mean `severity`?)"),
    (HEADER.replace('"high"', '"critical"') + 'calls = ["a.b"]\n', "`severity` = 'critical' is not one of"),
    (HEADER.replace('["python"]', '["pyhton"]') + 'calls = ["a.b"]\n', "(did you mean `python`?)"),
    (HEADER.replace("team-broken", "yaml-unsafe-load") + 'calls = ["a.b"]\n', "clashes with the built-in rule"),
    (HEADER, "needs exactly one matcher"),
    (HEADER + 'calls = ["a.b"]\nquery = "(call) @finding"\n', "needs exactly one matcher"),
    (HEADER + 'query = "(call (nonsense_node)) @finding"\n', "`query` does not compile for python"),
    (HEADER + 'query = "(call) @target"\n', "must capture the reported node as `@finding`"),
    (
        HEADER + 'query = "((identifier) @finding (#match? @finding \\"(a+)+$\\"))"\n',
        "regular expressions are not allowed",
    ),
    (HEADER + 'query = "(module (function_definition)* @a (function_definition)* @finding)"\n', "quantifier `*`"),
    (HEADER + 'query = "(module (function_definition)? @a (_)? @finding)"\n', "quantifier `?`"),
    (HEADER + 'query = "(call (_)+ @finding)"\n', "quantifier `+`"),
    (HEADER + 'query = "((identifier) @a (identifier) @finding)"\n', "sibling nodes with no common parent"),
    (HEADER + 'calls = ["a.b"]\nfix = "{nope}()"\n', "`fix` uses `{nope}`, which the matcher does not capture"),
    (HEADER + 'calls = ["a.b"]\narguments = [{ position = 0 }]\n', "`arguments[0]` needs a condition"),
    (
        HEADER + 'calls = ["a.b"]\nexamples = { ruby = "x" }\n',
        "`examples` names `ruby`, not one of the rule's languages (`python`)",
    ),
    ('[[rules]]\nid = "x-y"\n', "unknown top-level key `rules` (did you mean `[[rule]]`?)"),
    ("rule = [1]\n", "rule #1 is not a table"),
    # 50,000 nested `(` overflow tree-sitter's query parser (the process died with SIGSEGV): the
    # size limit keeps them out, and the depth limit refuses nesting no real pattern has.
    (HEADER + "query = '''" + "(" * 50_000 + ")" * 50_000 + "'''\n", "`query` holds 100,000 bytes"),
    (HEADER + "query = '''" + "[" * 5_000 + "]" * 5_000 + "'''\n", "nests 5000 levels of `(`/`[`"),
    (HEADER + "query = '''" + "(call) @finding\n" * 2_000 + "'''\n", "`query` holds 32,000 bytes, over the limit"),
]


@pytest.mark.parametrize(("text", "problem"), INVALID, ids=[p for _, p in INVALID])
def test_invalid_rule_names_file_rule_and_problem_and_keeps_the_others(tmp_path: Path, text: str, problem: str) -> None:
    """Ensure that an invalid rule is one error naming the file and the problem, and other files still load."""
    write_rules(tmp_path, text, "bad.toml")
    write_rules(tmp_path, VALID, "good.toml")
    loaded = load(tmp_path)
    (error,) = loaded.errors
    assert error.startswith(".vetline/rules/bad.toml: ")
    assert problem in error
    assert [rule.id for rule in loaded.rules] == ["team-eval-call"]


def test_queries_of_a_project_are_bounded_in_all(tmp_path: Path) -> None:
    """Ensure that query text past the project's total is refused rule by rule, by name, and costs no compile."""
    query = "(call function: (identifier) @finding)\n" * 400  # 15,600 bytes: under one query's limit
    for number in range(10):
        text = HEADER.replace("team-broken", f"team-many-{number}") + f"query = '''{query}'''\n"
        write_rules(tmp_path, text, f"r{number}.toml")
    loaded = load(tmp_path)
    assert len(loaded.rules) == project.MAX_PROJECT_QUERY_BYTES // len(query)
    assert loaded.errors and all("queries hold over 131,072 bytes in all; rule not loaded" in e for e in loaded.errors)
    assert loaded.errors[0].startswith(".vetline/rules/r8.toml: rule `team-many-8`")


def test_query_error_names_the_language_that_cannot_run_it(tmp_path: Path) -> None:
    """Ensure that a query valid in one grammar but not another names the failing language."""
    text = HEADER.replace('["python"]', '["python", "javascript"]') + 'query = "(call) @finding"\n'
    write_rules(tmp_path, text)
    (error,) = load(tmp_path).errors
    assert "rule `team-broken`" in error and "does not compile for javascript" in error


def test_duplicate_id_across_files_is_an_error(tmp_path: Path) -> None:
    """Ensure that the second declaration of an id is refused, naming the first file."""
    write_rules(tmp_path, VALID, "a.toml")
    write_rules(tmp_path, VALID, "b.toml")
    loaded = load(tmp_path)
    assert loaded.errors == (
        ".vetline/rules/b.toml: rule `team-eval-call`: id already declared in .vetline/rules/a.toml",
    )
    assert len(loaded.rules) == 1


def test_rule_file_linking_outside_the_project_is_not_read(tmp_path: Path) -> None:
    """Ensure that a rule file symlinked to a file outside the project is refused, never read."""
    outside = tmp_path / "outside.toml"
    outside.write_text(VALID)
    root = tmp_path / "repo"
    (root / ".vetline" / "rules").mkdir(parents=True)
    (root / ".vetline" / "rules" / "linked.toml").symlink_to(outside)
    loaded = load(root)
    assert loaded.rules == ()
    (error,) = loaded.errors
    assert error.startswith(".vetline/rules/linked.toml: a symbolic link leading outside")


def test_rules_folder_linking_outside_the_project_is_not_listed(tmp_path: Path) -> None:
    """Ensure that a `.vetline/rules` symlinked out of the project loads nothing."""
    (tmp_path / "elsewhere").mkdir()
    write_rules(tmp_path / "elsewhere", VALID)
    root = tmp_path / "repo"
    (root / ".vetline").mkdir(parents=True)
    (root / ".vetline" / "rules").symlink_to(tmp_path / "elsewhere" / ".vetline" / "rules")
    loaded = load(root)
    assert loaded.rules == () and "project rules not loaded" in loaded.errors[0]


def test_fifo_rule_file_is_refused_without_blocking(tmp_path: Path) -> None:
    """Ensure that a FIFO named like a rule file is refused at once (a plain read would block)."""
    write_rules(tmp_path, VALID, "good.toml")
    os.mkfifo(tmp_path / ".vetline" / "rules" / "pipe.toml")
    loaded = load(tmp_path)
    assert [rule.id for rule in loaded.rules] == ["team-eval-call"]
    assert loaded.errors == (".vetline/rules/pipe.toml: a named pipe (FIFO), not a regular file; not loaded",)


def test_oversized_rule_file_is_refused(tmp_path: Path) -> None:
    """Ensure that a rule file over the size bound is an error, not read into memory."""
    write_rules(tmp_path, VALID + "#" * (project.MAX_RULE_FILE_BYTES + 1), "huge.toml")
    (error,) = load(tmp_path).errors
    assert error.startswith(".vetline/rules/huge.toml: file is") and "-byte limit" in error


def test_project_root_search_stops_at_the_repository_root(tmp_path: Path) -> None:
    """Ensure that the rules folder is found upwards, but never above the git repository's root."""
    write_rules(tmp_path, VALID)
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "src").mkdir()
    assert project.find_project_root(repo / "src") is None
    assert project.find_project_root(tmp_path / "missing.py") == tmp_path  # a file's folder counts
    (tmp_path / "plain" / "src").mkdir(parents=True)
    assert project.find_project_root(tmp_path / "plain" / "src") == tmp_path


def query_rule(rule_id: str, query: str) -> str:
    return HEADER.replace("team-broken", rule_id) + f"query = '''{query}'''\n"


def test_predicates_and_node_names_are_not_mistaken_for_quantifiers(tmp_path: Path) -> None:
    """Ensure that `#eq?`, `#any-of?`, a `?` inside a string and node names with `_` still load."""
    query = '(call function: (identifier) @f (#any-of? @f "exec" "x?") arguments: (argument_list) @finding)'
    write_rules(tmp_path, query_rule("team-exec", query))
    assert load(tmp_path).errors == ()


# Shapes that load but match in very many ways: four wildcard children of any node; every node.
HOSTILE_QUERIES = ["(_ (_) @a (_) @b (_) @c (_) @d) @finding", "(_) @finding"]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_query_stops_at_its_bounds_and_says_so(tmp_path: Path, query: str) -> None:
    """Ensure that a query matching in very many ways on a 45,000-line file stops at its match cap,
    keeps the findings it made, and reports the file as not fully analysed."""
    write_rules(tmp_path, query_rule("team-hostile", query))
    source = "".join(f"def f{i}(a, b):\n    x = g(a, b, [1, 2], {{'k': {i}}})\n    return x\n" for i in range(15_000))
    analysis = Engine(load(tmp_path).rules).analyze(source.encode(), "python", "app.py")
    assert analysis.findings and {f.rule_id for f in analysis.findings} == {"team-hostile"}
    (error,) = analysis.errors
    assert error.startswith("project rule team-hostile: the search stopped after")
    assert error.endswith("later matches are missing")


def test_query_longer_than_a_search_window_is_reported_once(tmp_path: Path) -> None:
    """Ensure that a function spanning many search windows is reported once, and the file is complete."""
    write_rules(
        tmp_path, query_rule("team-big", '(function_definition name: (identifier) @n (#eq? @n "big")) @finding')
    )
    body = "".join(f"    x{i} = {i}\n" for i in range(2_000))  # ~25 KB: many 1 KB windows
    source = f"def small():\n    pass\n\n\ndef big():\n{body}"
    analysis = Engine(load(tmp_path).rules).analyze(source.encode(), "python", "app.py")
    assert [(f.rule_id, f.start.line) for f in analysis.findings] == [("team-big", 4)]
    assert analysis.errors == ()
