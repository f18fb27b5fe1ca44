"""The text-keyed caches are bounded by bytes, not entries (issue 15, memory per edit)."""

from __future__ import annotations

from vetline.rules.bounded_cache import MAX_KEY_BYTES, SECRETS_BUDGET, SECRETS_CACHE_BYTES, ByteBudget, lru_cache_bytes
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


def test_caches_sharing_a_budget_stay_within_it_together() -> None:
    """Ensure that caches filled by the same texts evict each other's oldest entries to stay under one budget."""
    budget = ByteBudget(400_000)

    @lru_cache_bytes(budget)
    def upper(text: str) -> str:
        return text.upper()

    @lru_cache_bytes(budget)
    def count(text: str) -> int:
        return text.count("k")

    texts = [f"{n:04}" + "k" * 20_000 for n in range(60)]  # 1.2 MB of keys per cache
    for text in texts:
        assert upper(text) == text.upper() and count(text) == 20_000
        assert budget.bytes == upper.cache_info().bytes + count.cache_info().bytes <= 400_000
    assert upper.cache_info().currsize + count.cache_info().currsize < 20
    assert upper.cache_info().currsize > 0 and count.cache_info().currsize > 0  # recent entries of both kept


def test_the_secrets_caches_share_one_budget() -> None:
    """Ensure that editing a 60 KB literal keeps all secrets caches together under one 16 MB budget."""
    literal = "k9" * 30_000
    for edit in range(120):  # 7 MB of distinct keys for each of three caches: 21 MB in all
        value = literal[:edit] + "z" + literal[edit:]
        _scan.classify(value, "password", "assign", False, False)
        _detect.entropy_type(value)
        _detect.is_reference(value)
    caches = (_scan.classify, _detect.provider, _detect.url_password, _detect.is_placeholder, _detect.entropy_type)
    held = sum(cached.cache_info().bytes for cached in (*caches, _detect.is_reference, _detect.is_code_text))
    assert held <= SECRETS_BUDGET.bytes <= SECRETS_CACHE_BYTES
    assert _scan.classify.cache_info().currsize > 0  # still a cache
