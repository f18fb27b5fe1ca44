"""npm imports: which package a specifier names, and what a JavaScript project declares and owns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from vetline.rules import languages, registry, testing
from vetline.rules.dependencies import _js_imports as js
from vetline.rules.engine import Engine


@pytest.mark.parametrize(
    ("specifier", "package"),
    [
        ("express", "express"),
        ("lodash/merge", "lodash"),
        ("@prisma/client", "@prisma/client"),
        ("@scope/pkg/sub/path", "@scope/pkg"),
        ("fs", None),
        ("node:fs", None),
        ("fs/promises", None),
        ("./local", None),
        ("../up/file.js", None),
        ("/abs/path", None),
        ("#internal/util", None),
        ("https://esm.sh/react", None),
    ],
)
def test_specifier_names_its_package(specifier: str, package: str | None) -> None:
    """Ensure that built-ins, relative paths, URLs and subpath imports name no package."""
    assert js.package_of(specifier) == package


def test_every_import_form_is_found_in_order() -> None:
    """Ensure that import, export-from, require and dynamic import are all found with their ranges."""
    source = (
        'import express from "express";\n'
        'export { x } from "@acme/ui/button";\n'
        'const fs = require("fs");\n'
        'const axios = require("axios");\n'
        'const lazy = await import("lodash-es");\n'
        'import "./styles.css";\n'
    )
    data = source.encode()
    parser = languages.parser("typescript")
    assert parser is not None
    found = js.imports("typescript", parser.parse(data).root_node)
    assert [(i.package, data[i.start : i.end].decode()) for i in found] == [
        ("express", "express"),
        ("@acme/ui", "@acme/ui/button"),
        ("axios", "axios"),
        ("lodash-es", "lodash-es"),
    ]


def _write(path: Path, content: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if isinstance(content, str) else json.dumps(content))


def test_project_declares_every_dependency_table(tmp_path: Path) -> None:
    """Ensure that dependencies, devDependencies, peer and optional dependencies are declared."""
    _write(
        tmp_path / "package.json",
        {
            "name": "app",
            "dependencies": {"Express": "^4"},
            "devDependencies": {"vitest": "1"},
            "peerDependencies": {"react": "18"},
        },
    )
    _write(tmp_path / "src" / "index.ts", "")
    project = js.project_for(str(tmp_path / "src" / "index.ts"))
    assert project.declared == {"express", "vitest", "react"} and "app" in project.own


def test_workspace_packages_and_root_dependencies_belong_to_each_member(tmp_path: Path) -> None:
    """Ensure that a monorepo member sees its siblings as its own and the root's dependencies as declared."""
    (tmp_path / ".git").mkdir()
    _write(
        tmp_path / "package.json",
        {"name": "mono", "private": True, "workspaces": ["packages/*"], "devDependencies": {"typescript": "5"}},
    )
    _write(tmp_path / "packages" / "ui" / "package.json", {"name": "@mono/ui"})
    _write(tmp_path / "packages" / "web" / "package.json", {"name": "@mono/web", "dependencies": {"next": "14"}})
    project = js.project_for(str(tmp_path / "packages" / "web" / "app.tsx"))
    assert {"@mono/ui", "@mono/web"} <= project.own
    assert {"next", "typescript"} <= project.declared


def test_pnpm_workspace_file_lists_members(tmp_path: Path) -> None:
    """Ensure that pnpm-workspace.yaml globs make the member packages the project's own."""
    (tmp_path / ".git").mkdir()
    _write(tmp_path / "package.json", {"name": "root"})
    _write(tmp_path / "pnpm-workspace.yaml", "packages:\n  - 'libs/*'\n")
    _write(tmp_path / "libs" / "core" / "package.json", {"name": "@r/core"})
    _write(tmp_path / "apps" / "site" / "package.json", {"name": "site"})
    assert "@r/core" in js.project_for(str(tmp_path / "apps" / "site" / "index.js")).own


def test_tsconfig_paths_and_base_url_are_project_aliases(tmp_path: Path) -> None:
    """Ensure that `paths` aliases (with comments and trailing commas) and `baseUrl` folders are local."""
    _write(tmp_path / "package.json", {"name": "app"})
    _write(
        tmp_path / "tsconfig.json",
        '{\n  // aliases\n  "compilerOptions": {\n    "baseUrl": "src",\n    "paths": { "@/*": ["./src/*"], "~lib/*": ["./lib/*"], },\n  },\n}\n',
    )
    (tmp_path / "src" / "components").mkdir(parents=True)
    project = js.project_for(str(tmp_path / "src" / "page.tsx"))
    assert js.is_project_alias(project, "@/components/Button")
    assert js.is_project_alias(project, "~lib/util")
    assert js.is_project_alias(project, "components/Button")
    assert not js.is_project_alias(project, "react")


def test_paths_in_a_referenced_tsconfig_and_a_catch_all_path_are_project_aliases(tmp_path: Path) -> None:
    """Ensure that Vite's layout (`paths` in tsconfig.app.json, which tsconfig.json only references)
    is read, and a catch-all `"*": ["./*"]` makes the folder's own entries local, not every name."""
    _write(tmp_path / "package.json", {"name": "ui"})
    _write(tmp_path / "tsconfig.json", {"files": [], "references": [{"path": "./tsconfig.app.json"}]})
    _write(
        tmp_path / "tsconfig.app.json",
        {"compilerOptions": {"paths": {"src/*": ["./src/*"], "openapi/*": ["./openapi-gen/*"], "*": ["./*"]}}},
    )
    (tmp_path / "src").mkdir()
    (tmp_path / "playwright.config.ts").write_text("export default {}\n")
    project = js.project_for(str(tmp_path / "src" / "main.tsx"))
    assert js.is_project_alias(project, "src/components/ui")
    assert js.is_project_alias(project, "openapi/queries")
    assert js.is_project_alias(project, "playwright.config")
    assert not js.is_project_alias(project, "reacct")


def test_json_comment_stripping_is_linear_on_hostile_input() -> None:
    """Ensure that unterminated comments and strings are consumed, never rescanned."""
    assert js.strip_json_comments('{"a": "//not a comment", /* c */ "b": 1,}') == '{"a": "//not a comment",  "b": 1}'
    assert js.strip_json_comments("/* open " * 40000) == ""


RULES = [r for r in registry.all_rules() if r.category.value == "dependencies"]
OSV = Path(__file__).resolve().parents[1] / "fixtures" / "deps" / "osv"


@pytest.fixture(autouse=True)
def empty_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test sees an empty user cache of its own."""
    monkeypatch.setenv("VETLINE_CACHE_DIR", str(tmp_path / "cache"))


def _findings(path: Path, settings: dict | None = None) -> list[tuple[str, int, str]]:  # type: ignore[type-arg]
    language = languages.language_for_path(path)
    assert language is not None
    options = {"dependencies": {"root": None, **(settings or {})}}
    analysis = Engine(RULES, options=options).analyze(path.read_bytes(), language, str(path))
    assert analysis.errors == ()
    return [(f.rule_id, f.start.line + 1, f.message) for f in analysis.findings]


def test_js_imports_get_typosquat_and_undeclared_checks_against_package_json(tmp_path: Path) -> None:
    """Ensure that declared, built-in, relative, aliased and workspace imports pass and the planted ones are found,
    one finding per import: the typosquat, not also its undeclared warning."""
    (tmp_path / ".git").mkdir()
    _write(tmp_path / "package.json", {"name": "app", "dependencies": {"express": "^4", "react": "18"}})
    _write(tmp_path / "tsconfig.json", {"compilerOptions": {"paths": {"@/*": ["./src/*"]}}})
    source = (
        'import express from "express";\n'
        'import { useState } from "react";\n'
        'import fs from "node:fs";\n'
        'import { helper } from "./helper";\n'
        'import Button from "@/components/Button";\n'
        'const app = require("app/lib/config");\n'
        'import expresss from "expresss";\n'
        'import leftPad from "left-pad";\n'
    )
    _write(tmp_path / "src" / "server.ts", source)
    found = _findings(tmp_path / "src" / "server.ts")
    assert [(rule, line) for rule, line, _ in found] == [
        ("typosquat-package", 7),
        ("undeclared-import", 8),
    ]
    assert "not declared in package.json" in found[1][2]


UMD_LIBRARY = """/*! select2 4.0.13 | vendored */
(function (factory) {
  if (typeof define === 'function' && define.amd) {
    define(['jquery'], factory);
  } else if (typeof module === 'object' && module.exports) {
    module.exports = function (root, jQuery) { return factory(require('jquery'), require('d3-selection')); };
  } else {
    factory(jQuery);
  }
}(function ($) { return $; }));
"""


def test_vendored_bundles_are_not_judged_against_the_projects_package_json(tmp_path: Path) -> None:
    """Ensure that a UMD or webpack library copied under static/ reports nothing while the project's own code does."""
    (tmp_path / ".git").mkdir()
    _write(tmp_path / "package.json", {"name": "shop", "devDependencies": {"esbuild": "0.20"}})
    _write(tmp_path / "static" / "select2" / "select2.js", UMD_LIBRARY)
    webpack = 'var __webpack_require__ = {};\nconst canvas = require("canvas");\n'
    _write(tmp_path / "static" / "pdfjs" / "pdf.js", webpack)
    _write(tmp_path / "src" / "main.js", 'import $ from "jquery";\n')
    assert _findings(tmp_path / "static" / "select2" / "select2.js") == []
    assert _findings(tmp_path / "static" / "pdfjs" / "pdf.js") == []
    assert [(rule, line) for rule, line, _ in _findings(tmp_path / "src" / "main.js")] == [("undeclared-import", 1)]


def test_js_typosquat_fix_replaces_the_package_part_of_the_specifier(tmp_path: Path) -> None:
    """Ensure that the fix for `expresss/lib/router` renames only the package."""
    _write(tmp_path / "package.json", {"name": "app"})
    _write(tmp_path / "index.js", 'const router = require("expresss/lib/router");\n')
    language = "javascript"
    source = (tmp_path / "index.js").read_bytes()
    findings = (
        Engine(RULES, options={"dependencies": {"root": None}})
        .analyze(source, language, str(tmp_path / "index.js"))
        .findings
    )
    squat = next(f for f in findings if f.rule_id == "typosquat-package")
    assert squat.fix is not None
    (edit,) = squat.fix.edits
    assert (
        source[: edit.start_byte] + edit.new_text.encode() + source[edit.end_byte :]
        == b'const router = require("express/lib/router");\n'
    )


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("yarn.lock", '# yarn lockfile v1\n\nlodash@^4.17.20:\n  version "4.17.20"\n', 3),
        (
            "pnpm-lock.yaml",
            "lockfileVersion: '9.0'\n\npackages:\n\n  lodash@4.17.20:\n    resolution: {integrity: x}\n",
            5,
        ),
    ],
)
def test_vulnerable_versions_in_yarn_and_pnpm_locks_are_reported(
    tmp_path: Path, name: str, text: str, line: int
) -> None:
    """Ensure that yarn.lock and pnpm-lock.yaml entries are checked against npm advisories."""
    _write(tmp_path / name, text)
    found = _findings(tmp_path / name, {"advisories": str(OSV)})
    assert [(rule, at) for rule, at, _ in found] == [("vulnerable-pinned-version", line)]


UNKNOWN = next(r for r in RULES if r.id == "unknown-package")


def test_unknown_npm_imports_need_every_local_explanation_to_fail(tmp_path: Path) -> None:
    """Ensure that names installed, locked, private, owned, aliased or built-in are never unknown, and free ones are."""
    (tmp_path / ".git").mkdir()
    _write(tmp_path / "package.json", {"name": "app", "workspaces": ["packages/*"], "dependencies": {"express": "4"}})
    _write(tmp_path / "packages" / "ui" / "package.json", {"name": "@app/ui"})
    _write(tmp_path / "node_modules" / "tiny-installed-thing" / "package.json", {"name": "tiny-installed-thing"})
    _write(tmp_path / "package-lock.json", {"packages": {"node_modules/tiny-locked-thing": {"version": "1.0.0"}}})
    _write(tmp_path / ".npmrc", "@corp:registry=https://npm.corp.example/\n//npm.corp.example/:_authToken=x\n")
    source = """
// ok: unknown-package
import express from "express";
// ok: unknown-package
import thing from "tiny-installed-thing/sub";
// ok: unknown-package
const locked = require("tiny-locked-thing");
// ok: unknown-package
import corp from "@corp/internal-sdk";
// ok: unknown-package
import ui from "@app/ui";
// ok: unknown-package
import made from "@angular/made-up-module";
// ok: unknown-package
import jsr from "@jsr/std__path";
// ruleid: unknown-package
import hooks from "react-hooks-ai-pro";
// ruleid: unknown-package
const sdk = await import("@free-scope-zq/sdk");
"""
    path = tmp_path / "src" / "index.ts"
    _write(path, source)
    result = testing.check_examples(UNKNOWN, source, "typescript", str(path))
    assert result.ok, result


def test_unknown_npm_manifest_lines_skip_aliases_local_versions_and_placeholders(tmp_path: Path) -> None:
    """Ensure that package.json `npm:`/`file:`/git versions and npm's `fs` placeholder are not unknown."""
    (tmp_path / ".git").mkdir()
    manifest = {
        "name": "app",
        "dependencies": {
            "left-pad": "^1",
            "my-alias": "npm:react@18",
            "local-lib": "file:../lib",
            "fs": "0.0.1-security",
        },
        "devDependencies": {"fork-of-thing": "github:me/thing#main", "leftpad-ai-utils": "^1.0.0"},
    }
    _write(tmp_path / "package.json", json.dumps(manifest, indent=2))
    found = _findings(tmp_path / "package.json")
    assert [(rule, line) for rule, line, _ in found] == [("unknown-package", 11)]
    assert "`leftpad-ai-utils` is not in vetline's npm snapshot" in found[0][2]


def test_lerna_packages_are_the_workspace_own(tmp_path: Path) -> None:
    """Ensure that lerna.json `packages` globs make sibling packages the project's own, not unknown."""
    (tmp_path / ".git").mkdir()
    _write(tmp_path / "lerna.json", {"packages": ["packages/*"]})
    _write(tmp_path / "package.json", {"name": "root", "private": True})
    _write(tmp_path / "packages" / "b" / "package.json", {"name": "@my-scope-zq/package-b"})
    _write(
        tmp_path / "packages" / "a" / "package.json", {"name": "a", "dependencies": {"@my-scope-zq/package-b": "^1"}}
    )
    assert _findings(tmp_path / "packages" / "a" / "package.json") == []


def test_bundler_module_roots_make_bare_specifiers_local(tmp_path: Path) -> None:
    """Ensure that `require("app/utils")` under a webpack `resolve.modules` root is no undeclared package."""
    (tmp_path / ".git").mkdir()
    _write(tmp_path / "package.json", {"name": "site", "devDependencies": {"webpack": "5"}})
    _write(
        tmp_path / "js" / "webpack.config.js", "module.exports = {resolve: {modules: [__dirname, 'node_modules']}};\n"
    )
    _write(tmp_path / "js" / "app" / "utils.js", "module.exports = {};\n")
    _write(tmp_path / "js" / "lib.js", "module.exports = {};\n")
    source = 'var utils = require("app/utils");\nvar lib = require("lib");\nvar left = require("left-pad");\n'
    _write(tmp_path / "js" / "app" / "config.js", source)
    rules = [r for r in registry.all_rules() if r.id == "undeclared-import"]
    found = Engine(rules).analyze(source.encode(), "javascript", str(tmp_path / "js" / "app" / "config.js"))
    assert [(f.start.line + 1, f.data.get("package")) for f in found.findings] == [(3, "left-pad")]
    _write(tmp_path / "js" / "webpack.config.js", "module.exports = {entry: './app/config.js'};\n")  # no roots
    found = Engine(rules).analyze(source.encode(), "javascript", str(tmp_path / "js" / "app" / "config.js"))
    assert [f.start.line + 1 for f in found.findings] == [1, 2, 3]
