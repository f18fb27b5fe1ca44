"""Property: a scan of any hostile tree finishes, reads nothing outside it, and still finds the plant.

Hypothesis builds trees mixing FIFOs, symlink loops (self and two-step), links out of the root
(to files, folders and a canary holding a secret), links to `/dev/zero`, `/dev/urandom` and
`/dev/null`, sparse multi-gigabyte files and dangling links, under the names vetline reads on its
own (`pyproject.toml`, `.vetline.toml`, `requirements.txt`, `.gitignore`, `.env.example`,
`.secrets.baseline`, sources). Next to them sits one valid file with a planted finding.

The project's own rules are hostile input too: `.vetline/rules/*.toml` files are drawn valid,
invalid (TOML, schema, binary), oversized, with a backtracking regex in `#match?`, a query over
the size limit, one nested thousands deep (tens of thousands crashed tree-sitter), a big valid
query, or any of the hostile kinds above, including a link to a rule file outside the root.
Each invalid one must be an error naming the file; a valid one must find its own plant.

"Reads nothing outside" is checked at the interpreter: an audit hook records every `open`,
`os.scandir` and `os.listdir` during the scan, and none may touch the folder outside the root.
A hang is turned into a failure by `SIGALRM` (a blocked `open` of a FIFO is interrupted), and a
read that would exhaust memory into a `MemoryError` by a temporary address-space limit, so a
regression fails in seconds instead of freezing the shared machine. Shrinking is off for the
same reason: each failing example costs up to `SCAN_SECONDS`, and the falsifying tree is printed.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from vetline.server.commands._configure import configure
from vetline.server.config import Config, ConfigError, load_config
from vetline.server.scanner import FileResult, scan_paths

CANARY = "CANARY_" + "8f14e45fceea167a5a36dedd4bea2543"
PLANTED = "import yaml\nyaml.load(data)\n"
NAMES = (
    "a.py",
    "b.js",
    "pyproject.toml",
    ".vetline.toml",
    "requirements.txt",
    ".gitignore",
    ".env.example",
    ".secrets.baseline",
    "package.json",
    "settings.py",
)
KINDS = (
    "fifo",
    "self_loop",
    "two_step_loop",
    "link_out_file",
    "link_out_folder",
    "link_to_parent",
    "dev_zero",
    "dev_urandom",
    "dev_null",
    "huge",
    "dangling",
)
RULE_NAMES = ("team.toml", "more.toml", "zz.toml")
RULE_KINDS = (
    "valid",
    "invalid_toml",
    "invalid_rule",
    "binary",
    "oversized",
    "regex_match",
    "huge_query",
    "deep_query",
    "big_valid_query",
    "link_out_rule",
)
RULE_HEADER = """
[[rule]]
id = "{id}"
message = "`teamlib.danger` runs its argument as a command."
severity = "high"
cwe = 78
category = "injection"
languages = ["python"]
"""
LITERAL = "'" * 3  # a TOML multi-line literal string: the query's quotes and backslashes as written
TEAM_PLANT = "import teamlib\nteamlib.danger(command)\n"
# What the error for each invalid kind says, after `.vetline/rules/<name>: `.
RULE_PROBLEMS = {
    "invalid_toml": "invalid TOML",
    "invalid_rule": "missing required key `severity`",
    "binary": "not valid UTF-8",
    "oversized": "-byte limit",
    "regex_match": "regular expressions are not allowed",
    "huge_query": "over the limit of 16,384",
    "deep_query": "levels of `(`/`[`, over the limit",
}
SCAN_SECONDS = 30
MEMORY_HEADROOM = 2 << 30  # bytes of address space the scan may add

_watching: list[tuple[str, str]] | None = None


def _audit(event: str, args: tuple) -> None:
    if _watching is not None and event in ("open", "os.scandir", "os.listdir") and args and args[0] is not None:
        target = args[0]
        if isinstance(target, (str, bytes, os.PathLike)):
            _watching.append((event, os.fsdecode(target)))


sys.addaudithook(_audit)  # hooks cannot be removed: this one records only inside `watched()`


@contextmanager
def watched() -> Iterator[list[tuple[str, str]]]:
    global _watching
    _watching = []
    try:
        yield _watching
    finally:
        _watching = None


@contextmanager
def bounded_memory() -> Iterator[None]:
    """Cap the address space at what the process uses now plus MEMORY_HEADROOM (soft limit, restored)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    with open("/proc/self/statm") as statm:
        used = int(statm.read().split()[0]) * resource.getpagesize()
    cap = used + MEMORY_HEADROOM
    resource.setrlimit(resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


class Hung(Exception):
    pass


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise Hung(f"the scan did not finish within {SCAN_SECONDS} s")


def _make(root: Path, outside: Path, folder: str, name: str, kind: str) -> Path:
    parent = root / folder
    parent.mkdir(parents=True, exist_ok=True)
    path = parent / name
    if os.path.lexists(path):
        return path
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "self_loop":
        path.symlink_to(path)
    elif kind == "two_step_loop":
        path.symlink_to(parent / (name + ".other"))
        (parent / (name + ".other")).symlink_to(path)
    elif kind == "link_out_file":
        path.symlink_to(outside / "canary.py")
    elif kind == "link_out_folder":
        path.symlink_to(outside, target_is_directory=True)
    elif kind == "link_to_parent":
        path.symlink_to(root.parent, target_is_directory=True)
    elif kind in ("dev_zero", "dev_urandom", "dev_null"):
        path.symlink_to("/dev/" + kind.removeprefix("dev_"))
    elif kind == "huge":
        with open(path, "wb") as handle:
            handle.truncate(3 << 30)  # sparse: nothing on disk
    else:
        path.symlink_to(parent / "does-not-exist")
    return path


def _rule_text(name: str, kind: str) -> bytes:
    """The bytes of a rule file of `kind` (one of RULE_KINDS but `link_out_rule`)."""
    header = RULE_HEADER.format(id="team-danger-" + name.removesuffix(".toml"))
    if kind == "valid":
        return (header + 'calls = ["teamlib.danger"]\n').encode()
    if kind == "invalid_toml":
        return b"[[rule]\nid = "
    if kind == "invalid_rule":
        return (header.replace('severity = "high"\n', "") + 'calls = ["teamlib.danger"]\n').encode()
    if kind == "binary":
        return b"\x00\xff\xfe" * 1000
    if kind == "oversized":
        return (header + 'calls = ["teamlib.danger"]\n' + "# padding\n" * 120_000).encode()
    query = {
        "regex_match": '((identifier) @finding (#match? @finding "^(a+)+$"))',
        "huge_query": "(call) @finding\n" * 20_000,
        "deep_query": "(" * 8_000 + ")" * 8_000,
        "big_valid_query": "(call function: (identifier) @finding)\n" * 400,
    }[kind]
    return (header + f"query = {LITERAL}{query}{LITERAL}\n").encode()


def _make_rule(root: Path, outside: Path, name: str, kind: str) -> Path:
    if kind in KINDS:
        return _make(root, outside, ".vetline/rules", name, kind)
    folder = root / ".vetline" / "rules"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if not os.path.lexists(path):
        if kind == "link_out_rule":
            path.symlink_to(outside / "rules" / "evil.toml")
        else:
            path.write_bytes(_rule_text(name, kind))
    return path


def _check_rules(config: Config, results: list[FileResult], created: dict[str, str]) -> None:
    """Each invalid rule file is an error naming it; a valid one finds the team's plant."""
    for name, kind in created.items():
        named = [error for error in config.rule_errors if error.startswith(f".vetline/rules/{name}: ")]
        if kind in RULE_PROBLEMS:
            assert named and RULE_PROBLEMS[kind] in named[0], (name, kind, config.rule_errors)
        elif kind in ("valid", "big_valid_query"):
            assert named == [], (name, kind, named)
    valid = {"team-danger-" + name.removesuffix(".toml") for name, kind in created.items() if kind == "valid"}
    found = {f.rule_id for r in results if r.path.name == "team_plant.py" for f in r.findings}
    assert valid <= found and "team-outside" not in found
    assert not any(CANARY in error for error in config.rule_errors)


def _configuration(root: Path) -> Config:
    """The configuration the CLI would use; an oversized configuration file is a clear error
    (the CLI exits 2), after which the tree is scanned with the defaults (and the project's
    rules) to test the rest."""
    try:
        return configure(None, root)
    except ConfigError as error:
        assert "-byte limit" in str(error) and ".toml" in str(error)
        return load_config(None, root)[0]


rule_entries = st.lists(
    st.tuples(st.sampled_from(RULE_NAMES), st.sampled_from(RULE_KINDS + KINDS)), min_size=0, max_size=4
)
entries = st.lists(
    st.tuples(st.sampled_from(("", "sub", "sub/deeper")), st.sampled_from(NAMES), st.sampled_from(KINDS)),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(entries=entries, rule_files=rule_entries)
def test_hostile_tree_scan_finishes_reads_nothing_outside_and_reports_the_plant(
    entries: list[tuple[str, str, str]], rule_files: list[tuple[str, str]]
) -> None:
    """Ensure that any mix of FIFOs, loops, device links, links out, huge files and broken or
    hostile project rule files never hangs the scan, never makes it open or list anything
    outside the root, never hides the planted finding in the valid file, and names every
    invalid rule file in an error."""
    base = Path(tempfile.mkdtemp(prefix="hostile-"))
    previous = signal.signal(signal.SIGALRM, _alarm)
    try:
        outside = base / "outside"
        outside.mkdir()
        (outside / "canary.py").write_text(f'TOKEN = "{CANARY}"\nimport yaml\nyaml.load(data)\n', encoding="utf-8")
        (outside / "rules").mkdir()
        evil = RULE_HEADER.format(id="team-outside") + f'calls = ["teamlib.danger"]\ndocs = "{CANARY}"\n'
        (outside / "rules" / "evil.toml").write_text(evil, encoding="utf-8")
        root = base / "root"
        (root / "valid").mkdir(parents=True)
        (root / "valid" / "planted.py").write_text(PLANTED, encoding="utf-8")
        (root / "valid" / "team_plant.py").write_text(TEAM_PLANT, encoding="utf-8")
        for folder, name, kind in entries:
            _make(root, outside, folder, name, kind)
        created: dict[str, str] = {}
        for name, kind in rule_files:
            created.setdefault(name, kind)
            _make_rule(root, outside, name, kind)
        signal.alarm(SCAN_SECONDS)
        with watched() as touched, bounded_memory():
            config = _configuration(root)
            results = scan_paths([root], config, jobs=1)  # in-process: the audit hook sees every read
        signal.alarm(0)
        _check_rules(config, results, created)
        planted = [r for r in results if r.path.name == "planted.py"]
        assert [(f.rule_id, f.start.line) for r in planted for f in r.findings if f.rule_id == "yaml-unsafe-load"] == [
            ("yaml-unsafe-load", 1)
        ]
        real_outside = os.path.realpath(outside)
        leaks = [(event, path) for event, path in touched if os.path.realpath(path).startswith(real_outside)]
        assert leaks == []
        shown = repr([(r.relative, r.errors, r.findings, r.source) for r in results])
        assert CANARY not in shown
        for result in results:
            if result.path.name == "a.py" and result.path.parent.name != "valid":
                assert result.errors and not result.findings  # every hostile source says why it was skipped
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        shutil.rmtree(base, ignore_errors=True)
