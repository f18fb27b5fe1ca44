"""Download dependency data into the user cache: the registry index, popular names, advisories.

This is the only code in vetline that talks to package registries, and it runs only on
`vetline data update` (or in the language server when the project sets `online = true` and the
user's own `vetline.allowNetwork` setting agrees). What leaves the
machine: the index and popular-list requests carry nothing; the OSV query carries the names of
the project's declared packages (no versions, no code), and only names that are valid PEP 508
(or npm) package names, read from manifests inside the project, that vetline's secret detector
does not take for a credential; a `-r` include leading out of the project is not followed, and
the outcome says so. Every request verifies TLS, has a
timeout and a size cap, and is conditional (ETag / Last-Modified) so an unchanged source costs
one round trip. Downloads are written atomically next to a `.meta.json` with the timestamps;
the rules read them through `vetline.rules.dependencies._data` and never fetch anything.
The npm registry is asked (`GET <npm_registry>/<name>`, 404 = no such package) only about the
names `unknown-package` would report from the bundled snapshot alone, at most
`MAX_NPM_LOOKUPS` per update; each answer is cached for `NPM_ANSWER_DAYS`.
`missing_notes` words, for a scan, what the checks lacked because nothing was downloaded.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import ssl
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vetline import __version__
from vetline.rules import files, languages
from vetline.rules.dependencies import _data
from vetline.rules.dependencies._advisories import package_key
from vetline.rules.dependencies._index import NameIndex, project_names
from vetline.rules.dependencies._manifests import parse_package_lock, parse_pipfile_lock
from vetline.rules.dependencies._project import PYTHON_MANIFESTS, find_folder, project_in, project_settings
from vetline.rules.dependencies._toml_manifests import parse_toml_lock
from vetline.rules.engine import Engine
from vetline.rules.model import Finding
from vetline.rules.secrets import _detect

PEP691 = "application/vnd.pypi.simple.v1+json"
TIMEOUT = 30.0
LIMITS = {
    "index": 256 << 20,
    "popular": 32 << 20,
    "popular_npm": 32 << 20,
    "advisories": 32 << 20,
    "record": 4 << 20,
    "npm_package": 32 << 20,
}
NPM_ACCEPT = "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8"  # abbreviated metadata
MAX_SCANNED_FILES = 20_000  # files read to find the npm names to look up
MAX_NPM_LOOKUPS = 200  # registry look-ups per update; the rest wait for the next one
_LOCK_PARSERS = {
    "poetry.lock": parse_toml_lock,
    "uv.lock": parse_toml_lock,
    "Pipfile.lock": parse_pipfile_lock,
    "package-lock.json": parse_package_lock,
}
MAX_RECORDS = 2000  # advisory records fetched per update; the rest is reported, not silently dropped


class FetchError(Exception):
    """A download failed; the message says what happened in words a user can act on."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status  # the HTTP status when the server answered with an error


@dataclass(frozen=True)
class Response:
    status: int  # 200, or 304 when the cached copy is current
    body: bytes
    headers: Mapping[str, str]


@dataclass(frozen=True)
class Outcome:
    """What `update` did for one source: "updated", "unchanged", "skipped" or "failed"."""

    kind: str
    status: str
    message: str


def fetch(
    url: str,
    *,
    data: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    meta: Mapping[str, Any] | None = None,
    timeout: float = TIMEOUT,
    limit: int = LIMITS["popular"],
) -> Response:
    """GET (or POST `data`) with TLS verification, a timeout, a size cap and conditional headers."""
    request = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")
    request.add_header("User-Agent", f"vetline/{__version__} (+https://github.com/vetline/vetline)")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    if meta and meta.get("etag"):
        request.add_header("If-None-Match", meta["etag"])
    if meta and meta.get("last_modified"):
        request.add_header("If-Modified-Since", meta["last_modified"])
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=ssl.create_default_context()) as reply:
            return Response(reply.status, _read_capped(reply, limit, url), dict(reply.headers.items()))
    except urllib.error.HTTPError as error:
        if error.code == 304:
            return Response(304, b"", dict(error.headers.items()))
        raise FetchError(f"{url}: the server answered HTTP {error.code} {error.reason}", error.code) from None
    except (TimeoutError, OSError) as error:  # URLError, socket timeouts, refused connections, TLS
        reason = getattr(error, "reason", error)
        raise FetchError(f"{url}: cannot download ({'timed out' if _timed_out(error) else reason})") from None


def _read_capped(reply: Any, limit: int, url: str) -> bytes:
    declared = reply.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise FetchError(f"{url}: response of {int(declared)} bytes exceeds the {limit}-byte limit")
    body = reply.read(limit + 1)
    if len(body) > limit:
        raise FetchError(f"{url}: response exceeds the {limit}-byte limit")
    return body


def _timed_out(error: BaseException) -> bool:
    return isinstance(error, TimeoutError) or isinstance(getattr(error, "reason", None), TimeoutError)


def read_meta(path: Path) -> dict[str, Any]:
    try:
        return json.loads(files.read_bounded(_meta_path(path), files.MAX_SMALL_FILE_BYTES))
    except (OSError, ValueError):
        return {}


def _meta_path(path: Path) -> Path:
    return path.with_name(path.name + ".meta.json")


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".")
    with os.fdopen(handle, "wb") as file:
        file.write(data)
    os.replace(temporary, path)


def _save(path: Path, url: str, response: Response, body: bytes, **extra: Any) -> None:
    _write_atomic(path, body)
    meta = {
        "url": url,
        "fetched_at": time.time(),
        "etag": response.headers.get("ETag"),
        "last_modified": response.headers.get("Last-Modified"),
        **extra,
    }
    _write_atomic(_meta_path(path), json.dumps(meta, indent=1).encode())


def update_index(url: str, *, timeout: float = TIMEOUT, limit: int = LIMITS["index"]) -> Outcome:
    """Fetch the PEP 691 project list and cache it as sorted normalised names."""
    path = _data.cache_file("index", url)
    try:
        meta = read_meta(path) if path.is_file() else {}
        response = fetch(url, headers={"Accept": PEP691}, meta=meta, timeout=timeout, limit=limit)
        if response.status == 304:
            return Outcome("index", "unchanged", f"{url}: not modified since the last download")
        names = project_names(_json(response.body, url))
        index = NameIndex.from_names(names)
    except (FetchError, ValueError) as error:
        return Outcome("index", "failed", f"{error}; keeping the previous copy" if path.is_file() else str(error))
    _save(path, url, response, index.to_text(), count=len(index))
    return Outcome("index", "updated", f"{url}: {len(index)} project names cached")


def update_popular(
    url: str, *, timeout: float = TIMEOUT, limit: int = LIMITS["popular"], kind: str = "popular"
) -> Outcome:
    """Fetch a popular list in the top-pypi-packages format (`{"rows": [{"project", "download_count"}]}`)."""
    path = _data.cache_file(kind, url)
    try:
        response = fetch(url, meta=read_meta(path) if path.is_file() else {}, timeout=timeout, limit=limit)
        if response.status == 304:
            return Outcome(kind, "unchanged", f"{url}: not modified since the last download")
        document = _json(response.body, url)
        rows = document.get("rows") if isinstance(document, dict) else None
        if not isinstance(rows, list):
            raise FetchError(f"{url}: not a top-pypi-packages document (no `rows` array)")
    except (FetchError, ValueError) as error:
        return Outcome(kind, "failed", str(error))
    _save(path, url, response, json.dumps({"rows": rows}).encode(), count=len(rows))
    return Outcome(kind, "updated", f"{url}: {len(rows)} popular projects cached")


def update_advisories(
    base: str,
    packages: Iterable[tuple[str, str]],
    *,
    timeout: float = TIMEOUT,
    limit: int = LIMITS["advisories"],
    notes: Iterable[str] = (),
) -> Outcome:
    """Ask OSV's `/v1/querybatch` which advisories name the packages, then cache each record."""
    wanted = sorted(set(packages))
    if not wanted:
        return Outcome("advisories", "skipped", "no declared packages to look up" + _notes(notes))
    folder = _data.cache_file("advisories", base)
    try:
        ids = _query_ids(base.rstrip("/"), wanted, timeout, limit)
        records = [_record(base.rstrip("/"), vuln_id, timeout) for vuln_id in ids[:MAX_RECORDS]]
    except (FetchError, ValueError) as error:
        return Outcome("advisories", "failed", str(error) + _notes(notes))
    staging = Path(tempfile.mkdtemp(dir=_ensure(folder.parent), prefix=folder.name + "."))
    for record in records:
        (staging / f"{record['id']}.json").write_text(json.dumps(record), encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(staging, folder)
    _write_atomic(
        _meta_path(folder), json.dumps({"url": base, "fetched_at": time.time(), "packages": len(wanted)}).encode()
    )
    extra = f" (first {MAX_RECORDS} of {len(ids)})" if len(ids) > MAX_RECORDS else ""
    return Outcome(
        "advisories",
        "updated",
        f"{base}: {len(records)} advisories{extra} for {len(wanted)} packages cached" + _notes(notes),
    )


def _notes(notes: Iterable[str]) -> str:
    return "".join(f"\n  note: {note}" for note in notes)


def _query_ids(base: str, packages: list[tuple[str, str]], timeout: float, limit: int) -> list[str]:
    ids: list[str] = []
    for start in range(0, len(packages), 1000):  # OSV accepts at most 1000 queries per batch
        chunk = packages[start : start + 1000]
        queries = [{"package": {"name": name, "ecosystem": ecosystem}} for name, ecosystem in chunk]
        body = json.dumps({"queries": queries}).encode()
        reply = fetch(
            f"{base}/v1/querybatch",
            data=body,
            headers={"Content-Type": "application/json"},
            timeout=timeout,
            limit=limit,
        )
        answer = _json(reply.body, f"{base}/v1/querybatch")
        results = answer.get("results") if isinstance(answer, dict) else None
        if not isinstance(results, list):
            raise FetchError(f"{base}/v1/querybatch: answer has no `results` array")
        ids.extend(v["id"] for r in results if isinstance(r, dict) for v in r.get("vulns") or () if "id" in v)
    return sorted(set(ids))


def _record(base: str, vuln_id: str, timeout: float) -> dict[str, Any]:
    url = f"{base}/v1/vulns/{urllib.parse.quote(vuln_id)}"
    record = _json(fetch(url, timeout=timeout, limit=LIMITS["record"]).body, url)
    if not isinstance(record, dict) or record.get("id") != vuln_id:
        raise ValueError(f"{url}: not the OSV record {vuln_id}")
    return record


def _json(body: bytes, url: str) -> Any:
    try:
        return json.loads(body)
    except ValueError as error:
        raise ValueError(f"{url}: the answer is not valid JSON ({error})") from None


def _ensure(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def npm_exists(registry: str, name: str, *, timeout: float = TIMEOUT) -> bool:
    """Whether the npm registry has package `name`: 404 (or a fully unpublished package) is False.

    FetchError when the registry cannot say (offline, 5xx, a refused name...)."""
    url = f"{registry.rstrip('/')}/{urllib.parse.quote(name, safe='@')}"
    try:
        reply = fetch(url, headers={"Accept": NPM_ACCEPT}, timeout=timeout, limit=LIMITS["npm_package"])
    except FetchError as error:
        if error.status == 404:
            return False
        if "exceeds the" in str(error):
            return True  # megabytes of metadata: certainly a published package
        raise
    try:
        document = json.loads(reply.body)
    except ValueError:
        return True  # the registry answered 200 for this name
    unpublished = (
        isinstance(document, dict) and not document.get("versions") and "unpublished" in (document.get("time") or {})
    )
    return not unpublished


def update_npm_registry(
    registry: str, names: Iterable[str], *, timeout: float = TIMEOUT, now: float | None = None
) -> Outcome:
    """Ask the npm registry about `names` not asked in the last `NPM_ANSWER_DAYS`, and cache the answers."""
    path = _data.npm_answers_file(registry)
    answers = _npm_answers_raw(path)
    now = time.time() if now is None else now
    fresh = now - _data.NPM_ANSWER_DAYS * 86400
    wanted = [n for n in sorted(set(names)) if sendable(n, "npm") and answers.get(n, {}).get("asked_at", 0) < fresh]
    if not wanted:
        return Outcome("npm_registry", "unchanged", f"{registry}: no npm name to look up")
    missing: list[str] = []
    try:
        for name in wanted[:MAX_NPM_LOOKUPS]:
            exists = npm_exists(registry, name, timeout=timeout)
            answers[name] = {"exists": exists, "asked_at": now}
            missing += [] if exists else [name]
    except FetchError as error:
        return Outcome("npm_registry", "failed", f"{error}; {len(answers)} earlier answers kept")
    finally:
        _write_atomic(path, json.dumps({"registry": registry, "answers": answers}, indent=0).encode())
    later = f" ({len(wanted) - MAX_NPM_LOOKUPS} more next time)" if len(wanted) > MAX_NPM_LOOKUPS else ""
    return Outcome(
        "npm_registry",
        "updated",
        f"{registry}: {min(len(wanted), MAX_NPM_LOOKUPS)} npm names looked up{later}, {len(missing)} do not exist",
    )


def _npm_answers_raw(path: Path) -> dict[str, dict[str, Any]]:
    try:
        document = json.loads(files.read_bounded(path, files.MAX_DATA_BYTES))
    except (OSError, ValueError):
        return {}
    answers = document.get("answers") if isinstance(document, dict) else None
    return {k: v for k, v in answers.items() if isinstance(v, dict)} if isinstance(answers, dict) else {}


def npm_names_to_look_up(options: Mapping[str, Any], project: Path) -> list[str]:
    """The npm names `unknown-package` reports in the project's JS/TS files and package.json files
    from the bundled snapshot alone: only these are ever sent to the registry."""
    from vetline.rules import registry as rule_registry

    from .config import Config
    from .scanner import iter_files, read_source

    rule = [r for r in rule_registry.all_rules() if r.id == "unknown-package"]
    settings = {**options, "root": str(project)}
    engine = Engine(rule, options={"dependencies": settings})
    names: set[str] = set()
    for count, path in enumerate(iter_files(project, Config(dependencies=options, root=project))):
        if count >= MAX_SCANNED_FILES:
            break
        language = languages.language_for_path(path)
        if not (languages.is_javascript(language or "") or path.name == "package.json" or language == "json"):
            continue
        source, _ = read_source(path, files.MAX_MANIFEST_BYTES, within=project)
        if source is None:
            continue
        names.update(unconfirmed_npm_names(engine.analyze(source, language or "", str(path)).findings))
    return sorted(names)


def unconfirmed_npm_names(findings: Iterable[Finding]) -> set[str]:
    """The npm names of `unknown-package` findings the registry has not confirmed yet."""
    return {str(f.data["npm_unconfirmed"]) for f in findings if "npm_unconfirmed" in f.data}


def update(
    options: Mapping[str, Any],
    project: Path,
    only: Iterable[str] = ("index", "popular", "popular_npm", "advisories", "npm_registry"),
    *,
    timeout: float = TIMEOUT,
) -> list[Outcome]:
    """Refresh every URL source of `[tool.vetline.dependencies]`; local paths are left alone.

    Each part replaces its bundled copy only once downloaded and newer (see `_data.index`).
    """
    outcomes = []
    for kind in only:
        value = options.get(kind, _data.DEFAULTS.get(kind))
        if kind == "popular_npm" and value is None:
            outcomes.append(
                Outcome(kind, "skipped", "no public npm ranking exists; set `popular_npm` to a URL or path")
            )
        elif kind == "npm_registry":
            registry = value if isinstance(value, str) and _data.is_url(value) else _data.DEFAULTS["npm_registry"]
            outcomes.append(update_npm_registry(registry, npm_names_to_look_up(options, project), timeout=timeout))
        elif not isinstance(value, str) or not _data.is_url(value):
            outcomes.append(Outcome(kind, "skipped", "a local source, used directly"))
        elif kind == "index":
            outcomes.append(update_index(value, timeout=timeout))
        elif kind in ("popular", "popular_npm"):
            outcomes.append(update_popular(value, timeout=timeout, kind=kind))
        else:
            found = project_in(project)
            packages = declared_packages(project)
            outcomes.append(update_advisories(value, packages, timeout=timeout, notes=found.notes))
    return outcomes


def declared_packages(folder: Path) -> list[tuple[str, str]]:
    """(name, OSV ecosystem) of every package the project's manifests and lock files name.

    This list is all that leaves the machine for advisories: names, never versions or code, and
    only those `sendable` accepts.
    """
    found = project_in(folder)
    names = {(n, "PyPI") for n in found.declared} | {(n, "npm") for n in found.declared_npm}
    for lock, parse in _LOCK_PARSERS.items():
        try:
            source = files.read_bounded(folder / lock, files.MAX_LOCK_BYTES, within=folder)
        except OSError:
            continue
        names |= {(package_key(r.name, r.ecosystem), r.ecosystem) for r in parse(source)}
    return sorted(name for name in names if sendable(*name))


_PEP508_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,198}[A-Za-z0-9])?")
_NPM_NAME = re.compile(r"(?:@[a-z0-9][a-z0-9._~-]{0,100}/)?[a-z0-9][a-z0-9._~-]{0,200}")


def sendable(name: str, ecosystem: str) -> bool:
    """Whether a package name may go to the advisory service: a valid PEP 508 (or npm) name
    that does not look like a credential (a token `-r`-included from a file would be a valid name)."""
    pattern = _PEP508_NAME if ecosystem == "PyPI" else _NPM_NAME
    if pattern.fullmatch(name) is None or _token_like(name):
        return False
    return _detect.provider(name) is None and _detect.entropy_type(name) is None


def _token_like(name: str) -> bool:
    """A part of 16+ characters switching between letters and digits 6+ times, like a hex digest
    or an access token after name normalisation (`ghp-16c7e42f...`). Of PyPI's 886,324 names 285
    look like this, all of them hash-named placeholder uploads."""
    for part in re.split(r"[-_./@]", name):
        switches = sum(a.isdigit() != b.isdigit() for a, b in itertools.pairwise(part))
        if len(part) >= 16 and switches >= 6:
            return True
    return False


_IMPORT_LINE = re.compile(rb"^[ \t]*(?:import|from)[ \t]+[A-Za-z_]", re.MULTILINE)


def missing_notes(options: Mapping[str, Any], files: Iterable[Path]) -> list[str]:
    """What a scan should say once about data it lacked, one note per skipped check.

    Each file is judged under the settings the rules use for it (its project's own
    `[tool.vetline.dependencies]` when it has one, else `options`). None when every file that
    names a Python package (a Python file with an import, a requirements file, a Python
    manifest) had its data (an empty list: such a scan lost nothing).
    """
    missing: dict[str, None] = {}
    for path in files:
        if _names_python_packages(path):
            own = project_settings(find_folder(str(path)))
            notes = _data.missing_data(own if own is not None else options)
            if languages.language_for_path(path) == "python":  # imports have no pins to check
                notes = [note for note in notes if note.startswith("unknown-package")]
            missing.update(dict.fromkeys(notes))
    return list(missing)


def _names_python_packages(path: Path) -> bool:
    language = languages.language_for_path(path)
    if language == "pip-requirements" or path.name in PYTHON_MANIFESTS:
        return True
    if language != "python":
        return False
    try:
        return _IMPORT_LINE.search(files.read_bounded(path, files.MAX_MANIFEST_BYTES)) is not None
    except OSError:
        return False
