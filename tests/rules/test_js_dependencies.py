"""npm imports: which package a specifier names, and what a JavaScript project declares and owns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from vetline.rules import languages
from vetline.rules.dependencies import _js_imports as js


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
        {"name": "app", "dependencies": {"Express": "^4"}, "devDependencies": {"vitest": "1"}, "peerDependencies": {"react": "18"}},
    )
    _write(tmp_path / "src" / "index.ts", "")
    project = js.project_for(str(tmp_path / "src" / "index.ts"))
    assert project.declared == {"express", "vitest", "react"} and "app" in project.own


def test_workspace_packages_and_root_dependencies_belong_to_each_member(tmp_path: Path) -> None:
    """Ensure that a monorepo member sees its siblings as its own and the root's dependencies as declared."""
    (tmp_path / ".git").mkdir()
    _write(tmp_path / "package.json", {"name": "mono", "private": True, "workspaces": ["packages/*"], "devDependencies": {"typescript": "5"}})
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


def test_json_comment_stripping_is_linear_on_hostile_input() -> None:
    """Ensure that unterminated comments and strings are consumed, never rescanned."""
    assert js.strip_json_comments('{"a": "//not a comment", /* c */ "b": 1,}') == '{"a": "//not a comment",  "b": 1}'
    assert js.strip_json_comments("/* open " * 40000) == ""
