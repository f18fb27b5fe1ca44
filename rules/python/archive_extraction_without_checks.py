"""`tarfile` extraction without an extraction filter, and `shutil.unpack_archive` likewise.

A tar member may be named `../../home/u/.bashrc`, be an absolute path, or be a symlink or
hard link to a file outside the target directory; `extractall`/`extract` without `filter=`
writes them all (the "tar slip", CVE-2007-4559). The receiver is recognised as a tar archive
from how it was opened (`tarfile.open`, `TarFile(...)`), or from the imports when only `tarfile`
is imported. `zipfile` is not reported: its `extract`/`extractall` drop `..` and absolute
prefixes from member names and never create links.
"""

from __future__ import annotations

from tree_sitter import Node

from ..analysis.nodes import argument, keyword_arg, string_value
from ..analysis.sinks import bound_value
from ..context import Match
from ..model import Category, Confidence, Fix, Rule, Severity
from ._edits import append_keyword

SAFE_FILTERS = frozenset({"data", "tar"})
_TAR_OPENERS = ("tarfile.open", "tarfile.TarFile", "tarfile.TarFile.open", "tarfile.TarFile.gzopen")


def _opened_by(match: Match, value: Node | None) -> str | None:
    """`tar` / `zip` from the call that produced a value, None when unknown."""
    if value is None or value.type != "call":
        return None
    name = match.ctx.qualified_name(value.child_by_field_name("function")) or ""
    if name in _TAR_OPENERS:
        return "tar"
    return "zip" if name.startswith("zipfile.") else None


def _is_tar(match: Match) -> bool:
    callee = match.node("fn")
    receiver = callee.child_by_field_name("object") if callee is not None else None
    if receiver is None:
        return False
    kind = _opened_by(match, receiver) or (
        _opened_by(match, bound_value(receiver)) if receiver.type == "identifier" else None
    )
    if kind is not None:
        return kind == "tar"
    names = match.ctx.names
    return names.imports_module("tarfile") and not names.imports_module("zipfile")


def extracts_without_filter(match: Match) -> bool:
    name = match.ctx.qualified_name(match.node("fn")) or ""
    args = match.node("args")
    if name != "shutil.unpack_archive" and not _is_tar(match):
        return False
    if name == "shutil.unpack_archive" and string_value(argument(args, 2, "format")) == "zip":
        return False  # the zip format extracts through zipfile
    if name != "shutil.unpack_archive" and keyword_arg(args, "members") is not None:
        return False  # a member list is how pre-3.12 code vets names
    chosen = keyword_arg(args, "filter")
    return chosen is None or string_value(chosen) == "fully_trusted"


def add_data_filter(match: Match) -> Fix | None:
    if keyword_arg(match.node("args"), "filter") is not None:
        return None
    return Fix('Add `filter="data"`', (append_keyword(match, 'filter="data"'),), safe=False)


RULE = Rule(
    id="archive-extraction-without-checks",
    title="Tar extraction without a filter",
    category=Category.INJECTION,
    cwe=(22,),
    owasp=("A01:2021",),
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({"python"}),
    calls=frozenset({".extractall", ".extract", "shutil.unpack_archive"}),
    where=extracts_without_filter,
    fix=add_data_filter,
    aliases=("B202", "S202"),
    message='Extracting a tar archive without `filter="data"` lets member names and links write outside the target directory.',
    docs="""## Why is this bad?
Tar members can be named `../../etc/cron.d/x`, carry absolute paths, or be symlinks and hard
links pointing anywhere; `TarFile.extractall()` and `extract()` without a filter honour all
of it, so extracting an uploaded or downloaded archive can overwrite any file the process can
write (CVE-2007-4559, "tar slip"). `shutil.unpack_archive` does the same for tar formats (not for `format="zip"`).

`zipfile` is not reported: it strips `..` and absolute prefixes and creates no links.

## How to fix
Pass `filter="data"` (Python 3.12+, and 3.8.17 / 3.9.17 / 3.10.12 / 3.11.4 security releases):
it refuses absolute names, `..`, links leaving the target and special files. On older Pythons
check each member (`os.path.realpath` of the destination inside the target, no links) and pass
the vetted list as `members=`.

## Fix safety
Adding `filter="data"` is unsafe: on a Python without extraction filters the call raises
`TypeError`, and archives that legitimately contain links outside the tree or device files
stop extracting.
""",
    references=(
        "https://docs.python.org/3/library/tarfile.html#tarfile-extraction-filter",
        "https://peps.python.org/pep-0706/",
        "https://cwe.mitre.org/data/definitions/22.html",
    ),
    examples="""
import shutil
import tarfile
import zipfile
from tarfile import open as open_tar

def install(archive_path, target):
    with tarfile.open(archive_path) as tar:
        # ruleid: archive-extraction-without-checks
        tar.extractall(target)
        # ruleid: archive-extraction-without-checks
        tar.extract("README", target)
        # ok: archive-extraction-without-checks
        tar.extractall(target, filter="data")
        # ruleid: archive-extraction-without-checks
        tar.extractall(target, filter="fully_trusted")
        # ok: archive-extraction-without-checks
        tar.extractall(target, members=safe_members(tar))
    bundle = open_tar(archive_path, "r:gz")
    # ruleid: archive-extraction-without-checks
    bundle.extractall()
    # ruleid: archive-extraction-without-checks
    shutil.unpack_archive(archive_path, target)
    # ok: archive-extraction-without-checks
    shutil.unpack_archive(archive_path, target, filter="data")
    # ok: archive-extraction-without-checks
    shutil.unpack_archive(backup_path, target, "zip")
    # ok: archive-extraction-without-checks
    shutil.unpack_archive(backup_path, target, format="zip")
    # ruleid: archive-extraction-without-checks
    shutil.unpack_archive(archive_path, target, "gztar")
    # ok: archive-extraction-without-checks
    zipfile.ZipFile(archive_path).extractall(target)
    with zipfile.ZipFile(archive_path) as zf:
        # ok: archive-extraction-without-checks
        zf.extractall(target)

def restore(archive):
    # An archive object passed in from elsewhere, in a file importing both modules, is not classified.
    # todoruleid: archive-extraction-without-checks
    archive.extractall("/srv/restore")
""",
)
