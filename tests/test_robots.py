"""robots.txt answers and the per-origin cache (no network: answers are given as data)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from scrapers.robots import RobotsCache, RobotsPolicy, policy_from_answer, robots_url

AGENT = "Signwatch/0.1 (+https://github.com/signwatch/signwatch)"
ROBOTS = b"""User-agent: signwatch
Disallow: /private/
Crawl-delay: 5

User-agent: *
Disallow: /
"""


def test_policy_from_answer_reads_rules_for_our_agent() -> None:
    policy = policy_from_answer(200, ROBOTS)
    assert policy is not None
    assert policy.allows("https://example.org/letters/1", AGENT)
    assert not policy.allows("https://example.org/private/x", AGENT)
    assert not policy.allows("https://example.org/letters/1", "OtherBot/1.0")
    assert policy.crawl_delay(AGENT) == 5.0


@pytest.mark.parametrize("status, allowed", [(404, True), (410, True), (401, False), (403, False)])
def test_policy_from_answer_client_errors(status: int, allowed: bool) -> None:
    policy = policy_from_answer(status, b"")
    assert policy is not None
    assert policy.allows("https://example.org/", AGENT) is allowed
    assert policy.crawl_delay(AGENT) is None


@pytest.mark.parametrize("status", [500, 502, 503])
def test_policy_from_answer_server_error_is_no_policy(status: int) -> None:
    assert policy_from_answer(status, b"") is None


def test_robots_url_of_an_origin() -> None:
    assert robots_url("https://example.org:8443") == "https://example.org:8443/robots.txt"


class Clock:
    """A settable clock."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_robots_cache_loads_once_per_ttl() -> None:
    clock, loads = Clock(), []

    def load(origin: str) -> RobotsPolicy:
        loads.append(origin)
        return RobotsPolicy(allow_all=True)

    cache = RobotsCache(load, ttl_s=3600, clock=clock)
    cache.policy_for("https://a.example")
    cache.policy_for("https://a.example")
    cache.policy_for("https://b.example")
    clock.now += timedelta(seconds=3599)
    cache.policy_for("https://a.example")
    assert loads == ["https://a.example", "https://b.example"]
    clock.now += timedelta(seconds=2)
    cache.policy_for("https://a.example")
    assert loads == ["https://a.example", "https://b.example", "https://a.example"]


def test_robots_cache_keeps_nothing_when_loading_fails() -> None:
    calls = []

    def failing(origin: str) -> RobotsPolicy:
        calls.append(origin)
        raise RuntimeError("robots.txt answered 503")

    cache = RobotsCache(failing, ttl_s=3600, clock=Clock())
    for _ in range(2):
        with pytest.raises(RuntimeError):
            cache.policy_for("https://a.example")
    assert calls == ["https://a.example", "https://a.example"]
