"""Compare page and live refresh in headless Chromium, on the real demo letters."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.browser import chromium_page, served

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_url(app: Flask, runner) -> Iterator[str]:
    """The app on a loopback port with the five real demo letters loaded."""
    assert runner.invoke(args=["demo"]).exit_code == 0
    with served(app) as url:
        yield url


@pytest.fixture
def tab(demo_url: str):
    with chromium_page() as page:
        yield page


def test_browser_compare_overlays_two_real_letters(tab, demo_url) -> None:
    tab.goto(f"{demo_url}/compare?letters=rms-open-letter-2021,"
             "mozilla-ai-safety-openness-2023")
    chart = tab.locator('#compare-chart[data-drawn="1"]')
    chart.wait_for(timeout=10_000)
    # 8 RMS snapshots and 5 Mozilla ones, joined on hours since each letter's first one.
    assert 5 <= int(chart.get_attribute("data-points")) <= 13
    assert tab.locator("#compare-chart canvas").count() == 1
    assert tab.problems == []


def test_browser_index_says_when_it_last_heard(tab, demo_url) -> None:
    tab.goto(f"{demo_url}/")
    updated = tab.locator(".updated")
    tab.wait_for_function(
        "() => [...document.querySelectorAll('.updated')].some(e => e.textContent.trim())",
        timeout=10_000)
    assert "updated" in updated.first.inner_text().lower()
    assert tab.problems == []


def test_browser_index_says_when_the_server_stops_answering(tab, demo_url) -> None:
    tab.goto(f"{demo_url}/")
    tab.route("**/api/v1/letters*", lambda route: route.abort())
    tab.evaluate("Signwatch.refreshIndex(document.querySelector('[data-live-index]'))")
    tab.wait_for_function(
        "() => document.querySelector('.updated').textContent.includes('no answer')",
        timeout=10_000)
    assert tab.locator(".big-count, td.num").first.inner_text() != ""
