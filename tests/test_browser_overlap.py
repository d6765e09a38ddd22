"""The overlap matrix page in headless Chromium: pick letters by search, click a cell."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.browser import chromium_page, served
from tests.overlaps import make_letter

pytestmark = pytest.mark.browser


@pytest.fixture
def overlap_url(app: Flask) -> Iterator[str]:
    """Three letters sharing people, one with a hostile name, served on loopback."""
    hostile = "<img src=x onerror=alert(1)>"
    make_letter(app, "doj-2016", ["Jane Q. Doe; former AUSA", "Elie Honig", hostile, "Solo"])
    make_letter(app, "doj-2020", ["DOE, Jane; Trial Attorney", "Elie Honig", hostile])
    make_letter(app, "judges-2024", ["Jane Doe (former AUSA)", "Someone Else"])
    with served(app) as url:
        yield url


@pytest.fixture
def tab(overlap_url: str):
    with chromium_page() as page:
        yield page


def test_browser_overlap_pick_letters_then_click_a_cell(tab, overlap_url) -> None:
    tab.goto(f"{overlap_url}/overlap")
    tab.fill("#letter-filter", "doj")
    assert tab.locator(".letter-choices li:visible").count() == 2
    tab.locator(".letter-choices li:visible input").first.check()
    tab.locator(".letter-choices li:visible input").nth(1).check()
    tab.fill("#letter-filter", "judges")
    tab.locator(".letter-choices li:visible input[value=judges-2024]").check()
    tab.click("button[type=submit]")
    matrix = tab.locator("#overlap-matrix")
    matrix.wait_for(timeout=10_000)
    assert tab.locator("#overlap-venn circle").count() == 3
    cell = tab.locator('a[data-pair="doj-2016,doj-2020"]')
    assert cell.inner_text() == "3"
    assert "75.0%" in matrix.inner_text()
    cell.click()
    tab.locator("#shared").wait_for(timeout=10_000)
    shared = tab.locator("#shared").inner_text()
    assert "On both Doj-2016 and Doj-2020: 3" in shared
    assert "Trial Attorney" in shared and "<img src=x onerror=alert(1)>" in shared
    assert tab.problems == []
