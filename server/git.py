"""Running git for attribution and change review: fixed argv, no shell, a timeout, hardened.

vetline runs git on repositories it did not create, so a repository's own configuration must
never make it run a program. Every call gets `-c` overrides that switch off the hooks of
read-only commands (fsmonitor, pagers, external diff, textconv), a minimal environment (no
prompts, no optional locks), and, before anything else, `unsafe_keys` refuses a repository whose
local or worktree configuration names a program git could run (a clean filter, a diff driver):
those are not overridable by name. Git's own `safe.directory` refusal (a repository owned by
another user, common as root in CI) is respected and reported, never bypassed.

Every failure is a `GitError` with a message for the user; callers degrade (origin absent).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from vetline.rules.patterns import linear

TIMEOUT_SECONDS = 30.0
MAX_OUTPUT_BYTES = 256 * 1024 * 1024  # a blame or diff larger than this is not worth reading
HARDENING = (
    "-c", "core.fsmonitor=false",
    "-c", "core.untrackedCache=false",
    "-c", "core.pager=cat",
    "-c", "core.hooksPath=/dev/null",
    "-c", "core.sshCommand=false",
    "-c", "core.askPass=",
    "-c", "credential.helper=",
    "-c", "diff.external=",
    "-c", "protocol.allow=never",
    "-c", "core.quotePath=false",
    "-c", "color.ui=false",
)  # fmt: skip
# Keys of repository-controlled configuration that name a program git may run while diffing,
# blaming or reading files (filters run when git reads the working tree).
_UNSAFE_KEY = linear(r"^(filter\.[^\n]*\.(clean|smudge|process)|diff\.[^\n]*\.(textconv|command)|core\.(fsmonitor|gitproxy|alternaterefscommand)|include(if\.[^\n]*)?\.path)$")  # fmt: skip
_REPOSITORY_SCOPES = ("local", "worktree")
_DUBIOUS = "detected dubious ownership"


class GitError(RuntimeError):
    """git is missing, refused the repository, failed or timed out; the message says which."""


@dataclass(frozen=True)
class Repository:
    """A git working tree vetline may run read-only git commands in."""

    root: Path

    def run(self, args: Sequence[str], stdin: bytes | None = None) -> bytes:
        """The standard output of `git <args>` in this repository; raises GitError."""
        return run_git(self.root, args, stdin)


def run_git(cwd: Path, args: Sequence[str], stdin: bytes | None = None) -> bytes:
    argv = ["git", "-C", str(cwd), *HARDENING, *args]
    try:
        done = subprocess.run(
            argv,
            input=stdin,
            stdin=None if stdin is not None else subprocess.DEVNULL,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            env=_environment(),
            check=False,
        )
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"`git {args[0]}` took longer than {TIMEOUT_SECONDS:.0f} s; stopped") from None
    if done.returncode != 0:
        raise GitError(_failure(args, done.stderr))
    if len(done.stdout) > MAX_OUTPUT_BYTES:
        raise GitError(f"`git {args[0]}` printed more than {MAX_OUTPUT_BYTES:,} bytes; ignored")
    return done.stdout


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") or k in ("GIT_CONFIG_GLOBAL",)}
    env.update(GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0", GIT_PAGER="cat", LC_ALL="C", GIT_NO_REPLACE_OBJECTS="1")
    return env


def _failure(args: Sequence[str], stderr: bytes) -> str:
    text = stderr.decode("utf-8", "replace").strip()
    if _DUBIOUS in text:
        return (
            "git refuses this repository because another user owns it (safe.directory); "
            "if you trust it, run `git config --global --add safe.directory <path>`"
        )
    first = text.splitlines()[0] if text else "no message"
    return f"`git {args[0]}` failed: {first[:200]}"


def open_repository(path: Path) -> Repository:
    """The repository containing `path`, checked safe to run git in; raises GitError."""
    start = path if path.is_dir() else path.parent
    top = run_git(start, ["rev-parse", "--show-toplevel"]).decode("utf-8", "replace").strip()
    if not top:
        raise GitError("not inside a git working tree")
    repository = Repository(Path(top))
    unsafe = unsafe_keys(repository)
    if unsafe:
        raise GitError(
            f"the repository's git configuration names programs git would run ({', '.join(unsafe[:3])}); "
            "vetline does not run git there"
        )
    return repository


def unsafe_keys(repository: Repository) -> list[str]:
    """Configuration keys set by the repository itself that would make git run a program."""
    raw = repository.run(["config", "--list", "--show-scope", "--name-only", "-z"])
    return sorted({key for scope, key in _scoped_keys(raw) if scope in _REPOSITORY_SCOPES and _UNSAFE_KEY.match(key)})


def _scoped_keys(raw: bytes) -> Iterable[tuple[str, str]]:
    items = raw.decode("utf-8", "replace").split("\0")  # scope NUL key NUL, repeated
    for scope, key in zip(items[0::2], items[1::2]):
        yield scope, key.lower()


def unquote_path(text: str) -> str:
    """A path as git prints it in patch headers: C-quoted when it has unusual characters."""
    if len(text) < 2 or not (text.startswith('"') and text.endswith('"')):
        return text
    raw = text[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")
    return raw.encode("latin-1", "replace").decode("utf-8", "replace")
