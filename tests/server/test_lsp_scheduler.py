"""Unit tests of the per-URI debounce: first change at once, bursts coalesced, stale runs dropped."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
from vetline.server.lsp import diagnostics
from vetline.server.lsp.capabilities import ClientFeatures
from vetline.server.lsp.documents import Result
from vetline.server.settings import Settings


class FakeServer(SimpleNamespace):
    """Just what the scheduler touches."""


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    seen: dict[str, list[Any]] = {"analysed": [], "published": []}

    def analyse(ls: Any, doc: Any, full: bool = False) -> Result:
        seen["analysed"].append(doc.version)
        version = doc.version
        doc.version += ls.bump_during_analysis  # simulates an edit landing while analysing
        return Result(version, str(version))

    monkeypatch.setattr(diagnostics, "analyse", analyse)
    monkeypatch.setattr(diagnostics, "publish", lambda ls, uri, version, diags: seen["published"].append(version))
    return seen


def make_server(debounce_ms: int = 30, bump: int = 0) -> FakeServer:
    server = FakeServer(
        settings=Settings(debounce_ms=debounce_ms),
        features=ClientFeatures(),
        settings_refresh=None,
        bump_during_analysis=bump,
    )
    server.documents = {"u": SimpleNamespace(uri="u", version=1, result=None)}
    server.notebooks = {}
    server.scheduler = diagnostics.Scheduler(server)
    return server


async def test_first_change_after_idle_runs_at_once(runs: dict[str, list[Any]]) -> None:
    """Ensure that a change after a quiet period is analysed without waiting for the debounce."""
    server = make_server(debounce_ms=10_000)
    server.scheduler.request("u")
    await asyncio.wait_for(server.scheduler.tasks["u"], 1)  # would time out if it waited 10 s
    assert runs["analysed"] == [1] and runs["published"] == [1]


async def test_a_burst_of_changes_is_analysed_once_and_cancellations_are_quiet(runs: dict[str, list[Any]]) -> None:
    """Ensure that changes within the debounce window cancel pending runs and coalesce."""
    server = make_server()
    doc = server.documents["u"]
    server.scheduler.request("u")
    first = server.scheduler.tasks["u"]
    await first
    for version in (2, 3, 4):
        doc.version = version
        server.scheduler.request("u")
    pending = list(server.scheduler.tasks.values())
    await asyncio.gather(*pending)
    assert runs["analysed"] == [1, 4] and runs["published"] == [1, 4]


async def test_result_for_an_outdated_version_is_dropped(runs: dict[str, list[Any]]) -> None:
    """Ensure that a result whose version is no longer current is never published."""
    server = make_server(bump=1)
    server.scheduler.request("u")
    await server.scheduler.tasks["u"]
    assert runs["analysed"] == [1] and runs["published"] == []
    assert server.documents["u"].result is None


async def test_closed_document_is_not_analysed(runs: dict[str, list[Any]]) -> None:
    """Ensure that a run for a document closed meanwhile does nothing."""
    server = make_server()
    server.scheduler.request("u")
    del server.documents["u"]
    await server.scheduler.tasks["u"]
    assert runs["analysed"] == []


async def test_debounce_follows_the_measured_analysis_cost(
    runs: dict[str, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ensure that cheap analyses run on every change with no wait and costly ones wait about one analysis."""
    server = make_server(debounce_ms=150)
    assert server.scheduler.delay("u") == 0.15  # nothing measured yet: the configured debounce
    server.scheduler.request("u")
    await server.scheduler.tasks["u"]
    assert server.scheduler.delay("u") == 0.0  # the fake analysis is instant: typing never waits
    for version in (2, 3):  # back-to-back changes, each awaited like a typist waiting for squiggles
        server.documents["u"].version = version
        server.scheduler.request("u")
        await server.scheduler.tasks["u"]
    assert runs["analysed"] == [1, 2, 3]
    server.scheduler.costs["u"] = 0.08
    assert server.scheduler.delay("u") == 0.08  # a costly analysis: wait one analysis' time ...
    server.scheduler.costs["u"] = 5.0
    assert server.scheduler.delay("u") == 0.15  # ... never more than debounceMs
