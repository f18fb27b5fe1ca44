"""The text-keyed caches are bounded by bytes, not entries (issue 15, memory per edit)."""

from __future__ import annotations

from vetline.rules.bounded_cache import MAX_KEY_BYTES, SECRETS_CACHE_BYTES, lru_cache_bytes
from vetline.rules.secrets import _detect, _scan


def test_cache_evicts_least_recently_used_entries_to_stay_within_its_bytes() -> None:
    """Ensure that a cache holding many 10 KB keys never exceeds its byte budget and keeps recent keys."""
    calls: list[str] = []

    @lru_cache_bytes(1_000_000)
    def length(text: str) -> int:
        calls.append(text)
        return len(text)

    keys = [f"{n:05}" + "x" * 20_000 for n in range(100)]
    for key in keys:
        assert length(key) == len(key)
        assert length.cache_info().bytes <= 1_000_000
    length(keys[-1])
    assert calls.count(keys[-1]) == 1  # the most recent key is still cached ...
    length(keys[0])
    assert calls.count(keys[0]) == 2  # ... the oldest was evicted


def test_a_key_over_the_limit_is_computed_but_never_cached() -> None:
    """Ensure that one huge literal is answered correctly and adds nothing to the cache."""
    huge = "k9" * MAX_KEY_BYTES
    before = _detect.provider.cache_info()
    assert _detect.provider(huge) is None
    after = _detect.provider.cache_info()
    assert after.bytes == before.bytes and after.currsize == before.currsize


def test_editing_a_large_literal_keeps_the_secrets_caches_within_budget() -> None:
    """Ensure that 500 edits of a 40 KB literal (each a new key) leave every secrets cache under its budget."""
    literal = "k9" * 20_000
    for edit in range(500):  # 20 MB of distinct keys
        _scan.classify(literal[:edit] + "z" + literal[edit:], "password", "assign", False, False)
    for cached in (_scan.classify, _detect.provider, _detect.url_password, _detect.is_placeholder):
        info = cached.cache_info()
        assert info.bytes <= info.max_bytes == SECRETS_CACHE_BYTES
    assert _scan.classify.cache_info().currsize < 500  # the oldest texts were evicted
