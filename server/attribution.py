"""Which commit wrote a flagged line, and whether an AI assistant helped write it.

A commit is AI-assisted when its message carries a trailer naming an assistant
(`Co-authored-by: GitHub Copilot <...>`, `Claude`, `Cursor`, ...), a `Generated-by:` or
`Assisted-by:` trailer, `AI-assisted: true`, or when its author or committer name ends in
`(aider)`. `[tool.vetline.ai_origin]` changes the lists (`AiPatterns.from_table`).

`attribute` blames only the lines that carry findings, one `git blame --porcelain -L ...` per
file, reads the commits once through `git cat-file --batch`, and sets each finding's origin to
`ai-commit` or `human-commit`. Outside a repository, for untracked files and uncommitted lines
the origin stays absent; git problems become one note, never a failed scan.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vetline.rules.model import Finding
from vetline.rules.patterns import linear

from .config import ConfigError
from .git import GitError, Repository
from .scanner import FileResult

AI_COMMIT = "ai-commit"
HUMAN_COMMIT = "human-commit"
UNCOMMITTED = "0" * 40
DEFAULT_ASSISTANTS = (
    "GitHub Copilot", "Copilot", "Claude", "Anthropic", "Cursor", "Codex", "OpenAI", "ChatGPT", "Gemini",
    "Windsurf", "Codeium", "Devin", "Jules", "aider", "Amazon Q", "CodeWhisperer", "Tabnine", "Cody",
    "Sourcegraph Amp", "Replit Agent", "Junie", "OpenHands", "Sweep", "Continue",
)  # fmt: skip
DEFAULT_TRAILERS = ("Generated-by", "Assisted-by")  # any value marks the commit
DEFAULT_FLAG_TRAILERS = ("AI-assisted",)  # `true` / `yes` marks the commit
DEFAULT_NAME_SUFFIXES = ("(aider)",)
# A trailer line: a key, a colon, a value of at most `_MAX_TRAILER_VALUE` characters (checked after
# the match: RE2 expands a counted `.{0,500}` into 500 states, slow on long lines).
_TRAILER = linear(r"^([A-Za-z][A-Za-z0-9-]{0,60}):[ \t]*([^\n]*)$", re.MULTILINE)
_MAX_TRAILER_VALUE = 500
_KEYS = ("assistants", "extend_assistants", "trailers", "flag_trailers", "name_suffixes")


@dataclass(frozen=True)
class AiPatterns:
    """What marks a commit as AI-assisted."""

    assistants: tuple[str, ...] = DEFAULT_ASSISTANTS  # names in `Co-authored-by:` trailers
    trailers: tuple[str, ...] = DEFAULT_TRAILERS
    flag_trailers: tuple[str, ...] = DEFAULT_FLAG_TRAILERS
    name_suffixes: tuple[str, ...] = DEFAULT_NAME_SUFFIXES

    @classmethod
    def from_table(cls, table: Mapping[str, Any], where: str = "[tool.vetline.ai_origin]") -> AiPatterns:
        """Patterns from the configuration table; `assistants` replaces, `extend_assistants` adds."""
        unknown = set(table) - set(_KEYS)
        if unknown:
            raise ConfigError(f"{where} accepts only {', '.join(_KEYS)}, not {', '.join(sorted(unknown))}")
        lists = {key: _strings(table[key], f"{where}.{key}") for key in _KEYS if key in table}
        assistants = lists.get("assistants", DEFAULT_ASSISTANTS) + lists.get("extend_assistants", ())
        return cls(
            assistants=assistants,
            trailers=lists.get("trailers", DEFAULT_TRAILERS),
            flag_trailers=lists.get("flag_trailers", DEFAULT_FLAG_TRAILERS),
            name_suffixes=lists.get("name_suffixes", DEFAULT_NAME_SUFFIXES),
        )

    def is_ai(self, author: str, committer: str, message: str) -> bool:
        """True when the commit's names or message trailers say an assistant helped."""
        if any(name.rstrip().lower().endswith(s.lower()) for name in (author, committer) for s in self.name_suffixes):
            return True
        return any(
            self._ai_trailer(key.lower(), value.strip())
            for key, value in _TRAILER.findall(message)
            if len(value) <= _MAX_TRAILER_VALUE
        )

    def _ai_trailer(self, key: str, value: str) -> bool:
        if key == "co-authored-by":
            return self._names_assistant(value)
        if key in {t.lower() for t in self.trailers}:
            return bool(value)
        return key in {t.lower() for t in self.flag_trailers} and value.lower() in ("true", "yes", "1")

    def _names_assistant(self, value: str) -> bool:
        words = _words(value)
        return any(_contains(words, _words(name)) for name in self.assistants)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _contains(words: list[str], phrase: list[str]) -> bool:
    size = len(phrase)
    return size > 0 and any(words[i : i + size] == phrase for i in range(len(words) - size + 1))


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Sequence) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of strings")
    return tuple(value)


def patterns_for(table: Mapping[str, Any]) -> AiPatterns:
    return AiPatterns.from_table(table) if table else AiPatterns()


def with_origin(finding: Finding, origin: str | None) -> Finding:
    """The finding carrying `origin` (a no-op for None)."""
    if origin is None:
        return finding
    return dataclasses.replace(finding, data={**finding.data, "origin": origin})


class Attributor:
    """Blames flagged lines in one repository; remembers every commit it classified."""

    def __init__(self, repository: Repository, patterns: AiPatterns) -> None:
        self.repository = repository
        self.patterns = patterns
        self._commits: dict[str, bool] = {}

    def line_commits(self, path: Path, lines: Iterable[int]) -> dict[int, str]:
        """1-based line -> commit sha, for the committed ones among `lines` (one blame call)."""
        ranges = _ranges(sorted(set(lines)))
        if not ranges:
            return {}
        args = ["blame", "--porcelain", "--no-textconv"]
        for first, last in ranges:
            args += ["-L", f"{first},{last}"]
        relative = path.resolve().relative_to(self.repository.root.resolve()).as_posix()
        output = self.repository.run([*args, "--", relative])
        return {line: sha for line, sha in _porcelain_lines(output) if sha != UNCOMMITTED}

    def origins(self, path: Path, lines: Iterable[int]) -> dict[int, str]:
        """1-based line -> `ai-commit` / `human-commit` for the committed ones among `lines`."""
        return {line: origin for line, (_sha, origin) in self.commits_and_origins(path, lines).items()}

    def commits_and_origins(self, path: Path, lines: Iterable[int]) -> dict[int, tuple[str, str]]:
        """1-based line -> (commit sha, origin) for the committed ones among `lines`."""
        commits = self.line_commits(path, lines)
        self._classify(set(commits.values()) - set(self._commits))
        return {line: (sha, AI_COMMIT if self._commits.get(sha) else HUMAN_COMMIT) for line, sha in commits.items()}

    def _classify(self, shas: set[str]) -> None:
        if not shas:
            return
        output = self.repository.run(["cat-file", "--batch"], stdin="".join(f"{s}\n" for s in sorted(shas)).encode())
        for sha, body in _batch_objects(output):
            self._commits[sha] = self.patterns.is_ai(*_commit_fields(body))


def _ranges(lines: Sequence[int]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for line in lines:
        if ranges and line == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], line)
        else:
            ranges.append((line, line))
    return ranges


def _porcelain_lines(output: bytes) -> Iterable[tuple[int, str]]:
    """(final line, sha) for every line of `git blame --porcelain` output."""
    for raw in output.split(b"\n"):
        if raw.startswith(b"\t") or not raw:
            continue
        parts = raw.split(b" ")
        if len(parts) in (3, 4) and len(parts[0]) == 40 and parts[1].isdigit() and parts[2].isdigit():
            yield int(parts[2]), parts[0].decode("ascii", "replace")


def _batch_objects(output: bytes) -> Iterable[tuple[str, bytes]]:
    """(sha, body) of each commit in `git cat-file --batch` output; missing objects skipped."""
    offset = 0
    while offset < len(output):
        end = output.index(b"\n", offset)
        header = output[offset:end].split(b" ")
        offset = end + 1
        if len(header) != 3 or header[1] != b"commit":
            if len(header) == 3 and header[2].isdigit():  # another object type: skip its body too
                offset += int(header[2]) + 1
            continue
        size = int(header[2])
        yield header[0].decode("ascii", "replace"), output[offset : offset + size]
        offset += size + 1


def _commit_fields(body: bytes) -> tuple[str, str, str]:
    """(author name, committer name, message) of a raw commit object."""
    head, _, message = body.decode("utf-8", "replace").partition("\n\n")
    names = {"author": "", "committer": ""}
    for line in head.split("\n"):
        key, _, rest = line.partition(" ")
        if key in names:
            names[key] = rest.rsplit("<", 1)[0].strip()
    return names["author"], names["committer"], message


def attribute(results: Sequence[FileResult], attributor: Attributor) -> tuple[list[FileResult], list[str]]:
    """Results whose findings carry their git origin, and notes for files git could not blame."""
    attributed, notes = [], []
    for result in results:
        if not result.findings:
            attributed.append(result)
            continue
        try:
            origins = attributor.origins(result.path, (f.start.line + 1 for f in result.findings))
        except (GitError, ValueError) as error:  # ValueError: a file outside the repository
            if "no such path" not in str(error):  # untracked files simply have no origin
                notes.append(f"{result.relative}: no git origin ({error})")
            attributed.append(result)
            continue
        findings = tuple(with_origin(f, origins.get(f.start.line + 1)) for f in result.findings)
        attributed.append(dataclasses.replace(result, findings=findings))
    return attributed, notes
