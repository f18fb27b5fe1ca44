"""The one way vetline reads a file: regular files only, size checked first, read with a bound.

Every file vetline reads (sources, manifests, configuration, baselines, ignore files, cached
dependency data) may come from a repository nobody has reviewed: a FIFO named `x.py` would block
a plain `read()` forever, a link to `/dev/zero` would fill memory, a symlink loop raises where
nobody expects it, and a link to `~/.ssh/id_rsa` would make vetline read outside the project.
`read_bounded` refuses all of these with a `FileRefused` (an `OSError`, so callers that already
handle unreadable files handle these too) whose message is the reason in a user's words.

`within` is the folder a file must really lie in after every symlink is followed (the scanned
folder, the project root); leave it None only for a path the user named themselves.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

# Named bounds, one per kind of file. Sources are bounded by `max_file_size` (configuration).
MAX_CONFIG_BYTES = 1 << 20  # pyproject.toml, .vetline.toml
MAX_MANIFEST_BYTES = 4 << 20  # requirements*.txt, setup.py/cfg, Pipfile, package.json
MAX_LOCK_BYTES = 64 << 20  # package-lock.json, poetry.lock, uv.lock, Pipfile.lock
MAX_SMALL_FILE_BYTES = 1 << 20  # .gitignore, .env.example, cache metadata
MAX_BASELINE_BYTES = 64 << 20  # vetline baselines, detect-secrets `.secrets.baseline`
MAX_DATA_BYTES = 256 << 20  # a cached registry index, popular list or advisory file
MAX_ADVISORY_FILES = 100_000  # OSV records read from one advisory folder

_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


class FileRefused(OSError):
    """vetline will not read this file; `str(error)` is the reason, fit to show a user."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "refused"


def read_bounded(path: Path | str, limit: int, *, within: Path | str | None = None) -> bytes:
    """The bytes of a regular file of at most `limit` bytes, really inside `within` if given."""
    real = contained_path(path, within)
    info = _stat(real)
    refuse_special(info)
    if info.st_size > limit:
        raise FileRefused(f"file is {info.st_size:,} bytes, over the {limit:,}-byte limit")
    descriptor = os.open(real, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        refuse_special(os.fstat(descriptor))  # swapped for a FIFO or device since the stat above
        return _read_at_most(descriptor, limit)
    finally:
        os.close(descriptor)


def read_text_bounded(path: Path | str, limit: int, *, within: Path | str | None = None) -> str:
    """`read_bounded` decoded as UTF-8, invalid bytes replaced (for ignore files and the like)."""
    return read_bounded(path, limit, within=within).decode("utf-8", "replace")


def is_readable_file(path: Path | str, *, within: Path | str | None = None) -> bool:
    """Whether `read_bounded` could read `path` at all (a regular file, inside `within`)."""
    try:
        refuse_special(_stat(contained_path(path, within)))
    except OSError:
        return False
    return True


def entry_is_dir(entry: os.DirEntry[str]) -> bool:
    """`entry.is_dir()`, False for a symlink loop (where `DirEntry`, unlike `Path`, raises)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def entry_is_file(entry: os.DirEntry[str]) -> bool:
    """`entry.is_file()`, False for a symlink loop (where `DirEntry`, unlike `Path`, raises)."""
    try:
        return entry.is_file()
    except OSError:
        return False


def contained_path(path: Path | str, within: Path | str | None) -> str:
    """The real path of `path` (symlinks followed); FileRefused when it leaves `within`."""
    real = os.path.realpath(path)
    if within is None or is_inside(real, os.path.realpath(within)):
        return real
    if is_inside(os.path.abspath(path), os.path.abspath(within)):
        raise FileRefused(f"a symbolic link leading outside {within}")
    raise FileRefused(f"outside {within}")


def is_inside(real: str, folder: str) -> bool:
    """Whether the (already real) path `real` is `folder` or lies below it."""
    return real == folder or real.startswith(folder.rstrip(os.sep) + os.sep)


def refuse_special(info: os.stat_result) -> None:
    """FileRefused unless `info` describes a regular file."""
    if stat.S_ISREG(info.st_mode):
        return
    kind = next((name for test, name in _KINDS if test(info.st_mode)), "not a regular file")
    raise FileRefused(f"{kind}, not a regular file")


def _stat(real: str) -> os.stat_result:
    try:
        return os.stat(real)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise FileRefused("a symbolic link loop") from None
        raise


def _read_at_most(descriptor: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    remaining = limit + 1  # one byte more tells a file that grew past the limit
    while remaining > 0:
        chunk = os.read(descriptor, min(remaining, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    if remaining <= 0:
        raise FileRefused(f"file grew over the {limit:,}-byte limit while being read")
    return b"".join(chunks)
