"""Version ordering for advisories: PEP 440 for PyPI, SemVer 2 for npm, without `packaging`.

OSV ranges are events on a version line, so all vetline needs is a sort key per ecosystem.
The PEP 440 key follows `packaging`'s ordering (dev < pre < final < post; release trailing
zeros ignored; local labels ignored, which only matters between local builds of one release).
A string that is not a valid version sorts by its numeric and text parts so nothing raises.
"""

from __future__ import annotations

import functools
import re

from ..patterns import LinearMatch, linear

_PEP440 = linear(
    r"""^v?(?:(?P<epoch>\d+)!)?(?P<release>\d+(?:\.\d+)*)
        (?:[-_.]?(?P<pre_l>a|alpha|b|beta|rc|c|pre|preview)[-_.]?(?P<pre_n>\d*))?
        (?:-(?P<post_n1>\d+)|[-_.]?(?:post|rev|r)[-_.]?(?P<post_n2>\d*))?
        (?:[-_.]?dev[-_.]?(?P<dev_n>\d*))?(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?$""",
    re.VERBOSE | re.IGNORECASE,
)
_SEMVER = linear(
    r"^v?(?P<major>\d+)\.(?P<minor>\d+)\.(?P<patch>\d+)(?:-(?P<pre>[0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$"
)
_PRE_RANK = {"a": 0, "alpha": 0, "b": 1, "beta": 1, "rc": 2, "c": 2, "pre": 2, "preview": 2}
_NONE = 10**18  # "absent" sorts after every real number for dev releases and finals
VersionKey = tuple


@functools.lru_cache(maxsize=65536)
def key(version: str, ecosystem: str = "PyPI") -> VersionKey:
    """A sort key for `version` in `ecosystem` ("PyPI", "npm" or another OSV ecosystem)."""
    version = version.strip()
    if ecosystem == "npm":
        semver = _SEMVER.match(version)
        if semver is not None:
            return (1, _semver_key(semver))
    elif (pep440 := _PEP440.match(version)) is not None:
        return (1, _pep440_key(pep440))
    return (0, _fallback_key(version))


def _pep440_key(match: LinearMatch) -> tuple:
    release = [int(part) for part in match.group("release").split(".")]
    while len(release) > 1 and release[-1] == 0:
        release.pop()
    post_text = match.group("post_n1") or match.group("post_n2")
    has_post = match.group("post_n1") is not None or match.group("post_n2") is not None
    has_dev = match.group("dev_n") is not None
    if match.group("pre_l"):
        pre = (_PRE_RANK[match.group("pre_l").lower()], int(match.group("pre_n") or 0))
    elif has_dev and not has_post:
        pre = (-1, 0)  # 1.0.dev1 comes before 1.0a1
    else:
        pre = (3, 0)
    post = int(post_text or 0) if has_post else -1
    dev = int(match.group("dev_n") or 0) if has_dev else _NONE
    return (int(match.group("epoch") or 0), tuple(release), pre, post, dev)


def _semver_key(match: LinearMatch) -> tuple:
    core = (int(match.group("major")), int(match.group("minor")), int(match.group("patch")))
    pre = match.group("pre")
    if pre is None:
        return (core, (1,))  # a release sorts after its pre-releases
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split("."))
    return (core, (0, parts))


def _fallback_key(version: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[^0-9A-Za-z]+", version) if p)


def compare(a: str, b: str, ecosystem: str = "PyPI") -> int:
    """-1, 0 or 1 as `a` sorts before, with or after `b`."""
    ka, kb = key(a, ecosystem), key(b, ecosystem)
    return (ka > kb) - (ka < kb)
