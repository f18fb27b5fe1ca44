"""JavaScript/TypeScript engine support: name resolution, data flow, suppression comments, TSX."""

from __future__ import annotations

import pytest
from vetline.rules import languages, registry
from vetline.rules.context import FileContext
from vetline.rules.engine import Engine

COMMAND = registry.by_id()["js-os-command-injection"]
SQL = registry.by_id()["js-sql-query-built-from-strings"]


def _context(source: str, language: str = "javascript") -> FileContext:
    data = source.encode()
    parser = languages.parser(language)
    assert parser is not None
    return FileContext(path="x", language=language, source=data, tree=parser.parse(data))


def _lines(rule, source: str, language: str = "javascript") -> list[int]:  # type: ignore[no-untyped-def]
    return [f.start.line + 1 for f in Engine([rule]).analyze(source.encode(), language, "x").findings]


@pytest.mark.parametrize(
    "binding",
    [
        'const { exec } = require("child_process");',
        'const { exec } = require("node:child_process");',
        'import { exec } from "child_process";',
        'import { exec as exec } from "node:child_process";',
        'const exec = require("child_process").exec;',
    ],
)
def test_every_import_style_resolves_to_the_module_name(binding: str) -> None:
    """Ensure that require, import, `node:` and property requires all make `exec` child_process.exec."""
    assert _lines(COMMAND, f"{binding}\nexec('ls ' + process.argv[2]);\n") == [2]


def test_namespace_and_default_imports_resolve_members() -> None:
    """Ensure that `import * as cp` and a required module object resolve `cp.exec`."""
    source = 'import * as cp from "child_process";\nconst p = require("child_process");\ncp.exec(input);\np.execSync(input);\n'
    assert _lines(COMMAND, source) == [3, 4]


def test_an_unrelated_exec_is_not_child_process() -> None:
    """Ensure that a local `exec` function (a regex, a DB helper) is not treated as a shell."""
    assert _lines(COMMAND, "function exec(q) { return q; }\nexec('ls ' + process.argv[2]);\nregex.exec(input);\n") == []


def _origin(source: str, marker: str = "sink(", language: str = "javascript"):  # type: ignore[no-untyped-def]
    ctx = _context(source, language)
    assert ctx.tree is not None
    offset = source.rindex(marker) + len(marker)
    node = ctx.tree.root_node.named_descendant_for_byte_range(offset, offset + 1)
    while node.parent is not None and node.parent.type != "arguments":
        node = node.parent
    return ctx.taint.origin(node)


@pytest.mark.parametrize(
    ("source", "kind", "origin"),
    [
        ("app.get('/', (req, res) => { const { id } = req.query; sink(id); });", "TAINTED", "req.query"),
        ("app.get('/', (req, res) => { const q = `a${req.params.x}`; sink(q); });", "TAINTED", "req.params"),
        (
            "app.post('/', async (request, reply) => { const b = await request.json(); sink(b.url); });",
            "TAINTED",
            "req.json()",
        ),
        ("router.get('/', (r, s) => { sink(r.body.x); });", "TAINTED", "req.body"),
        ("export async function GET(request, { params }) { sink(params.slug); }", "TAINTED", "route params"),
        ("window.addEventListener('message', (e) => { sink(e.data); });", "TAINTED", "postMessage data"),
        ("sink(new URLSearchParams(location.search).get('q'));", "TAINTED", "location"),
        (
            "app.get('/', (req, res) => { const parts = []; parts.push(req.body.a); sink(parts.join()); });",
            "TAINTED",
            "req.body",
        ),
        ("app.get('/', (req, res) => { db.q(1, function () { sink(req.query.a); }); });", "TAINTED", "req.query"),
        ("app.get('/', (req, res) => { sink(parseInt(req.query.n)); });", "CONSTANT", None),
        ("app.get('/', (req, res) => { sink(req.query.a === 'x'); });", "CONSTANT", None),
        (
            "app.get('/', (req, res) => { const a = req.query.a; if (!OK.includes(a)) return; sink(a); });",
            "CONSTANT",
            None,
        ),
        ("function f(x) { sink(x); }", "UNKNOWN", None),
        ("const A = 'x'; function f() { sink(`${A}-b`); }", "CONSTANT", None),
    ],
)
def test_data_flow_origins(source: str, kind: str, origin: str | None) -> None:
    """Ensure that sources, propagation and sanitizers give each value its origin."""
    found = _origin(source)
    assert found.kind.name == kind
    if origin is not None:
        assert found.source == origin


def test_typescript_casts_and_annotations_keep_the_origin() -> None:
    """Ensure that `as string`, `!` and typed parameters do not hide request data in TypeScript."""
    source = (
        "export async function POST(request: NextRequest) { const q = (await request.json()).q as string; sink(q!); }"
    )
    assert _origin(source, language="typescript").source == "req.json()"


def test_rules_run_on_tsx_components() -> None:
    """Ensure that a TSX file parses and the JSX rules fire in it."""
    rule = registry.by_id()["js-react-dangerously-set-inner-html"]
    source = "export const C = ({ html }: { html: string }) => <div dangerouslySetInnerHTML={{ __html: html }} />;\n"
    assert _lines(rule, source, "typescriptreact") == [1]


def test_long_concatenation_chain_is_analysed() -> None:
    """Ensure that a 20,000-operand `+` chain neither recurses too deep nor loses the finding."""
    chain = " + ".join(["a"] * 20000)
    source = f"const {{ exec }} = require('child_process');\nconst a = process.argv[2];\nexec({chain});\n"
    assert _lines(COMMAND, source) == [3]


def test_deep_nesting_keeps_the_finding() -> None:
    """Ensure that a sink under 600 nested blocks is still found."""
    body = "if (x) {" * 600 + "exec('ls ' + process.argv[2]);" + "}" * 600
    assert _lines(COMMAND, f"const {{ exec }} = require('child_process');\n{body}\n") == [2]


@pytest.mark.parametrize(
    "comment",
    [
        "// vetline: ignore[js-os-command-injection]",
        "// nosemgrep",
        "// nosemgrep: detect-child-process",
        "// eslint-disable-line security/detect-child-process",
        "/* vetline: ignore */",
    ],
)
def test_js_suppression_comments_silence_their_line(comment: str) -> None:
    """Ensure that vetline, Semgrep and ESLint comments silence the finding on their line only."""
    source = f"const {{ exec }} = require('child_process');\nexec('ls ' + input);  {comment}\nexec('ls ' + input);\n"
    assert _lines(COMMAND, source) == [3]


def test_eslint_disable_next_line_silences_the_next_line() -> None:
    """Ensure that `eslint-disable-next-line <alias>` covers the following line."""
    source = (
        "const { exec } = require('child_process');\n"
        "// eslint-disable-next-line security/detect-child-process\n"
        "exec('ls ' + input);\nexec('ls ' + input);\n"
    )
    assert _lines(COMMAND, source) == [4]


@pytest.mark.parametrize(
    "comment", ["// eslint-disable-line", "// eslint-disable-line no-console", "// nosemgrep: other-rule"]
)
def test_unrelated_or_bare_eslint_comments_do_not_silence(comment: str) -> None:
    """Ensure that a bare eslint-disable or other rules' ids leave the security finding reported."""
    source = f"const {{ exec }} = require('child_process');\nexec('ls ' + input);  {comment}\n"
    assert _lines(COMMAND, source) == [2]


def _secret_fix(path, source: str):  # type: ignore[no-untyped-def]
    rule = registry.by_id()["hardcoded-secret"]
    path.write_text(source)
    findings = Engine([rule]).analyze(source.encode(), languages.language_for_path(path) or "", str(path)).findings
    assert findings, "the planted key was not found"
    assert findings[0].fix is not None
    return findings[0].fix


KEY = "sk-proj-" + "Zq8vN2kR5tW9yB3dF6hJ1mP4sX7aC0eG"


def test_secret_fix_in_a_vite_project_uses_import_meta_env(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Ensure that client code of a Vite app gets `import.meta.env.VITE_*`, not `process.env`."""
    (tmp_path / "package.json").write_text("{}")
    (tmp_path / "vite.config.ts").write_text("export default {};\n")
    (tmp_path / "src").mkdir()
    fix = _secret_fix(tmp_path / "src" / "api.ts", f'const openaiKey = "{KEY}";\n')
    own = [e.new_text for e in fix.edits if e.path is None]
    example = [e.new_text for e in fix.edits if e.path == ".env.example"]
    assert own and own[0].startswith("import.meta.env.VITE_")
    assert example and example[0].strip().startswith("VITE_") and KEY not in example[0]


def test_secret_fix_in_a_node_project_uses_process_env(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Ensure that a Node project without Vite keeps `process.env.NAME`."""
    (tmp_path / "package.json").write_text("{}")
    fix = _secret_fix(tmp_path / "server.js", f'const openaiKey = "{KEY}";\n')
    assert next(e.new_text for e in fix.edits if e.path is None).startswith("process.env.")


@pytest.mark.parametrize(
    ("name", "source", "lines"),
    [
        ("page.ejs", "<h1><%= title %></h1>\n<div><%- comment.body %></div>\n<%- include('footer') %>\n", [2]),
        ("page.hbs", "<p>{{ name }}</p>\n<div>{{{ bio }}}</div>\n<span>{{& motto }}</span>\n{{> header }}\n", [2, 3]),
        (
            "views/post.hbs",
            (
                "{{{ bio }}}\n<div>{{{post.html}}}</div>\n{{{t 'By {authors}' authors=post.authors}}}\n"
                "<p>{{{ bio }}}</p>\n<style>{{{customCSSTags}}}</style>\n<a>{{{ author.name }}}</a>\n"
            ),
            [1, 6],
        ),
        ("views/settings.handlebars", "".join(f"<p>{{{{{{setting{i}}}}}}}</p>\n" for i in range(8)), [1]),
        ("views/layout.hbs", "<head>{{{head}}}</head>\n<body>{{{ body }}}</body>\n<h2>{{{heading}}}</h2>\n", [3]),
        ("views/login-min.handlebars", "<div>{{{ bio }}}</div>\n", []),
        ("views/translations/login_fr.handlebars", "<div>{{{ bio }}}</div>\n", []),
        ("views/search.ejs", "<p><%- marked(query) %></p>\n<div><%- post.bodyHtml %></div>\n", [1]),
        ("view.mustache", "<p>{{ name }}</p>\n", []),
    ],
)
def test_unescaped_template_tags_are_reported(tmp_path, name: str, source: str, lines: list[int]) -> None:  # type: ignore[no-untyped-def]
    """Ensure that `<%-` and `{{{`/`{{&` are reported once per value; escaped output, includes, helper calls, markup-named values and generated copies are not."""
    rule = registry.by_id()["js-template-unescaped-output"]
    language = languages.language_for_path(name)
    assert language is not None
    findings = Engine([rule]).analyze(source.encode(), language, str(tmp_path / name)).findings
    assert [f.start.line + 1 for f in findings] == lines


def test_template_writing_many_raw_values_gets_one_finding_naming_them(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Ensure that a template with eight raw values is one finding that counts and names them."""
    rule = registry.by_id()["js-template-unescaped-output"]
    source = "".join(f"<p>{{{{{{setting{i}}}}}}}</p>\n" for i in range(8)).encode()
    path = tmp_path / "views" / "settings.handlebars"
    (finding,) = Engine([rule]).analyze(source, languages.language_for_path(path.name), str(path)).findings
    assert "8 values" in finding.message and "`setting0`" in finding.message


def test_protocol_md5_helper_is_not_the_md5_package(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Ensure that a file's own `md5()` (NTLM key derivation) is not reported, the `md5` package is."""
    rule = registry.by_id()["js-weak-hash-for-secrets"]
    body = "function signKey(session_key) {\n  return md5(Buffer.concat([session_key, MAGIC]));\n}\n"
    path = tmp_path / "nla.js"
    language = languages.language_for_path(path.name)
    assert not Engine([rule]).analyze(body.encode(), language, str(path)).findings
    imported = ('const md5 = require("md5");\n' + body).encode()
    assert [f.start.line + 1 for f in Engine([rule]).analyze(imported, language, str(path)).findings] == [3]
