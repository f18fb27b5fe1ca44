"""Find the files under a path, read them defensively, and analyse them, in parallel if asked.

Shared by `vetline scan` and the language server's workspace scan. Bad input never stops a
scan: a binary file, an unreadable or oversized file is skipped with a reason in
`FileResult.errors`, and so is a FIFO, a device, a symlink loop or a symlink that leads outside
the scanned folder (every read goes through `vetline.rules.files.read_bounded`). A Python file
in another encoding is decoded per its coding cookie; a file with bytes that do not decode is
analysed with replacement characters (`vetline.rules.source_text`). A crashing rule loses only
its own findings for that file. A file analysed only in part (a crashed rule, nesting past the
query limit, replaced bytes) is marked `complete=False`, which fails `vetline scan`.
Results come back sorted by path whatever the number of worker processes, so output is
deterministic.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vetline.rules import generated
from vetline.rules.engine import Engine
from vetline.rules.files import FileRefused, read_bounded
from vetline.rules.languages import READ_AS_TEXT, language_for_path
from vetline.rules.model import Finding
from vetline.rules.source_text import as_utf8

from .config import Config, ConfigError, build_engine


@dataclass(frozen=True)
class FileResult:
    """What scanning one file produced. `source` is kept only when there are findings."""

    path: Path
    relative: str
    findings: tuple[Finding, ...] = ()
    errors: tuple[str, ...] = ()
    source: bytes | None = None
    # A notebook's parts (cell code, cell outputs) by (cell, output) key, and where each cell
    # line sits in the file's JSON text: see `notebook_scan.py`. Empty for other files.
    parts: Mapping[tuple[int, int | None], bytes] = field(default_factory=dict)
    raw_lines: Mapping[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    complete: bool = True  # False: analysed, but some findings may be missing (`errors` says why)


def display_path(path: Path, base: Path | None = None) -> str:
    """`path` relative to `base` (default: the working directory) when inside it, `/`-separated."""
    base = Path(os.path.realpath(base or Path.cwd()))
    # The path as named (a symlink shows under its own name), else as resolved; neither raises,
    # even on a symlink loop.
    candidates = (Path(os.path.abspath(path)), Path(os.path.realpath(path)))
    if base == Path(base.anchor):
        return candidates[0].as_posix()
    for candidate in candidates:
        if candidate.is_relative_to(base):
            return candidate.relative_to(base).as_posix()
    return candidates[1].as_posix()


def iter_files(root: Path, config: Config, force_exclude: bool = False) -> Iterator[Path]:
    """Every file under `root` that vetline reads and the configuration does not exclude.

    Exclude globs are matched against paths relative to the configuration's folder (the
    project root) when the file lies inside it, else relative to `root`. A file named
    explicitly is scanned even if a pattern excludes it, like Ruff: it was asked for; with
    `force_exclude` (a pre-commit hook names every staged file) it is judged like a file found
    in a folder: skipped without a word when excluded or of a kind vetline does not read.
    """
    if not root.is_dir():  # a file named explicitly, even a FIFO: scan_file says why it is skipped
        if not force_exclude or _wanted_file(root, config):
            yield root
        return
    anchor = _exclude_anchor(root, config)
    for folder, subfolders, files in os.walk(root):  # never descends into symlinked folders
        relative_folder = Path(os.path.realpath(folder)).relative_to(anchor).as_posix()
        subfolders[:] = sorted(d for d in subfolders if not config.is_excluded(_join(relative_folder, d)))
        for name in sorted(files):
            # The path as given decides: `templates/x.html` is a template even when `templates` is the root.
            if language_for_path(Path(folder) / name) and not config.is_excluded(_join(relative_folder, name)):
                yield Path(folder) / name


def _wanted_file(path: Path, config: Config) -> bool:
    if language_for_path(path) is None:
        return False
    folder = Path(os.path.realpath(path.parent))
    project = Path(os.path.realpath(config.root)) if config.root is not None else folder
    relative = folder.relative_to(project).as_posix() if folder.is_relative_to(project) else ""
    return not config.is_excluded(_join(relative, path.name))


def _exclude_anchor(root: Path, config: Config) -> Path:
    """Where exclude globs are anchored: the project root, unless it excludes `root` itself
    (then the user asked for an excluded folder by name, and only patterns below it apply)."""
    resolved = Path(os.path.realpath(root))
    if config.root is not None and resolved.is_relative_to(os.path.realpath(config.root)):
        project = Path(os.path.realpath(config.root))
        inside = resolved.relative_to(project).as_posix()
        if inside == "." or not config.is_excluded(inside):
            return project
    return resolved


def _join(folder: str, name: str) -> str:
    return name if folder in ("", ".") else f"{folder}/{name}"


def read_source(path: Path, max_size: int, within: Path | None = None) -> tuple[bytes | None, str | None]:
    """The file's bytes, or None and the reason it cannot be analysed.

    `within` is the scanned folder: a symlink leading out of it is not followed."""
    try:
        data = read_bounded(path, max_size, within=within)
    except FileRefused as error:
        limit = " (`max_file_size`)" if "-byte limit" in str(error) else ""
        return None, f"{error}{limit}; skipped"
    except OSError as error:
        return None, f"cannot read file: {error.strerror or error}"
    return data, problem_with_content(data)


def problem_with_content(data: bytes) -> str | None:
    """Why `data` is not analysable text (binary), or None when it is fine; text that does not
    decode is still analysed (`source_text.as_utf8`)."""
    if b"\x00" in data[:8192]:
        return "binary file (contains NUL bytes); skipped"
    return None


def scan_file(path: Path, root: Path, config: Config, engine: Engine, within: Path | None = None) -> FileResult:
    """Read and analyse one file; never raises for bad input. `root` is where the displayed
    path starts, `within` the scanned folder the file must really lie in."""
    relative = display_path(path, root)
    language = language_for_path(path)
    if language is None:
        return FileResult(path, relative, errors=("vetline does not read this kind of file; skipped",))
    if language == "jupyter-notebook":
        from .notebook_scan import scan_notebook

        return scan_notebook(path, relative, config, engine, within)
    source, problem = read_source(path, config.max_file_size, within)
    if source is not None and problem and language == "secret-file":
        source, problem = b"", None  # a binary keystore (`*.p12`): only its name and place matter
    if source is not None and not problem and language in READ_AS_TEXT:
        problem = generated.reason(source, path.name)
    if source is None or problem:
        return FileResult(path, relative, errors=(problem or "unreadable",))
    text = as_utf8(source, language)
    analysis = engine.analyze(text.source, language, str(path))
    findings = apply_baseline(config, analysis.findings, path, text.source)
    errors = (*((text.note,) if text.note else ()), *analysis.errors)
    kept = text.source if findings else None
    return FileResult(path, relative, tuple(findings), errors, kept, complete=not errors)


def baseline_path(config: Config) -> Path | None:
    """The configured baseline file, relative paths taken from the configuration's folder."""
    if not config.baseline:
        return None
    path = Path(config.baseline)
    return path if path.is_absolute() or config.root is None else config.root / path


def check_baseline(config: Config, origin: str) -> None:
    """ConfigError, naming the setting and where it came from (`origin`), when the baseline is unusable."""
    location = baseline_path(config)
    if location is None:
        return
    try:
        load_cached_baseline(location)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ConfigError(
            f"{origin}: `baseline` = {config.baseline!r}: cannot read {location}: {_baseline_problem(error)}"
        ) from None


def _baseline_problem(error: Exception) -> str:
    if isinstance(error, FileNotFoundError):
        return "file not found (create one with `vetline baseline create`)"
    if isinstance(error, OSError):
        return str(error)
    return f"not a baseline file ({type(error).__name__})"


def apply_baseline(config: Config, findings: Sequence[Finding], path: Path, source: bytes) -> Sequence[Finding]:
    """Drop baselined findings; baseline entries use paths relative to the project root."""
    location = baseline_path(config)
    if location is None or not findings:
        return findings
    return load_cached_baseline(location).filter(findings, display_path(path, config.root), source)


def load_cached_baseline(location: Path) -> Any:
    """The baseline at `location`, re-read whenever `vetline baseline update` rewrites it.

    A long-running language server scans many times: keying the cache on the file's
    modification time and size (not on the path alone) makes an updated baseline take effect.
    """
    try:
        stat = location.stat()
    except OSError:
        return _cached_baseline(location, -1, -1)  # raises the reason to the caller, never cached
    return _cached_baseline(location, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4)
def _cached_baseline(location: Path, mtime_ns: int, size: int) -> Any:
    from . import baseline  # only projects that use a baseline pay for importing it

    return baseline.load_baseline(location)


# Below this many files one process is faster: starting workers and importing the rules in each
# costs about a second on two cores, more than a small tree takes to scan.
PARALLEL_MIN_FILES = 200


def scan_paths(paths: Sequence[Path], config: Config, jobs: int = 1, force_exclude: bool = False) -> list[FileResult]:
    """Scan every file under `paths`, sorted by displayed path; `jobs` > 1 uses processes.

    Paths are shown relative to the working directory, or to the scanned folder when it
    lies outside the working directory.
    """
    several = len(paths) > 1
    bases = [_display_base(p, several) for p in paths]  # once per path: it resolves the working directory
    work = [(f, base, _within(p)) for p, base in zip(paths, bases) for f in iter_files(p, config, force_exclude)]
    work = list(dict.fromkeys(work))
    missing = [FileResult(p, str(p), errors=("no such file or directory",)) for p in paths if not p.exists()]
    if jobs <= 1 or len(work) < PARALLEL_MIN_FILES:
        engine = build_engine(config)
        results = [scan_file(f, base, config, engine, within) for f, base, within in work]
    else:
        results = list(_parallel(work, config, jobs))
    return sorted([*results, *missing], key=lambda r: r.relative)


def _within(root: Path) -> Path | None:
    """The folder a scanned file must really lie in: the folder named; None for a file named
    explicitly (the user asked for it, wherever it leads)."""
    return root if root.is_dir() else None


def _display_base(root: Path, several: bool) -> Path:
    """Where displayed paths start: the working directory; else the one scanned folder; with
    several folders outside the working directory, the filesystem root (absolute paths), so
    two scanned trees never show the same relative path."""
    cwd = Path.cwd().resolve()
    resolved = Path(os.path.realpath(root))
    if resolved.is_relative_to(cwd):
        return cwd
    if several:
        return Path(resolved.anchor)
    return resolved if resolved.is_dir() else resolved.parent


# Each worker process builds its engine once (tree-sitter objects cannot cross processes).
_worker_engine: Engine | None = None
_worker_config: Config | None = None


def _init_worker(config: Config) -> None:
    global _worker_engine, _worker_config
    # Ctrl-C reaches the whole process group: the parent stops the workers, so they need not
    # each print a KeyboardInterrupt traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A forked worker inherits the parent's SIGTERM-to-SystemExit handler: the parent's
    # `terminate()` during a slow `build_engine` would print an initializer traceback. Die quietly.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _worker_engine, _worker_config = build_engine(config), config


def _scan_in_worker(args: tuple[Path, Path, Path | None]) -> FileResult:
    path, base, within = args
    assert _worker_engine is not None and _worker_config is not None
    return scan_file(path, base, _worker_config, _worker_engine, within)


def _parallel(work: list[tuple[Path, Path, Path | None]], config: Config, jobs: int) -> Iterable[FileResult]:
    chunk = max(1, len(work) // (jobs * 8))
    with _exit_on_sigterm():
        pool = ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(config,))
        try:
            yield from pool.map(_scan_in_worker, work, chunksize=chunk)
        except BaseException:  # interrupted or failed: stop the workers now, not after the queue
            # No `with pool:` here: its exit would wait for the manager thread of a pool whose
            # workers were just terminated, and anything that wait raised would replace the exit code.
            _stop_workers(pool)
            raise
        pool.shutdown(wait=True)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Cancel the queued files and terminate the worker processes (Python < 3.14 has no
    public `terminate_workers`, so the pool's own process table is read)."""
    workers = dict(getattr(pool, "_processes", None) or {})
    pool.shutdown(wait=False, cancel_futures=True)
    for process in workers.values():
        process.terminate()
    for process in workers.values():
        process.join(timeout=5)


@contextlib.contextmanager
def _exit_on_sigterm() -> Iterator[None]:
    """While workers run, turn SIGTERM into `SystemExit(143)` so the pool is stopped on the way
    out: the default action would kill this process alone and orphan the workers."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_exit)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _raise_exit(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)
