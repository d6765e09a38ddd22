"""The stated count anywhere on a page (issue #14 point 2).

Pages here are SYNTHETIC, written like real statement pages (a letter, a signer list, a
count line above or far below it); no real people are named.
"""

from __future__ import annotations

import pytest

from scrapers.adapters.html_page import HTML
from scrapers.text import best_count, find_count, lead_count, stated_counts

URL = "https://example.org/statement"


def _page(before: str, rows: int, after: str) -> bytes:
    items = "".join(
        f"<li>Person {i} Example, former Assistant US Attorney, signed</li>" for i in range(rows)
    )
    return f"<html><body><p>{before}</p><ul>{items}</ul><p>{after}</p></body></html>".encode()


@pytest.mark.parametrize(
    ("text", "value", "at_least"),
    [
        ("See all 936 signatures", 936, False),
        ("20 former officials have signed this statement.", 20, False),
        ("Signed by 8 residents", 8, False),
        ("1,204 signatures", 1204, False),
        ("more than 1,140 signatures", 1140, True),
        ("Signed by over 300 people", 300, True),
        ("Join 5,000 supporters", 5000, False),
        ("42 total, 30 people and 12 organisations", 42, False),
    ],
)
def test_stated_counts_read_the_phrases_pages_print(text, value, at_least):
    best = best_count(stated_counts(text))
    assert best is not None
    assert (best.value, best.at_least) == (value, at_least)


@pytest.mark.parametrize(
    "text",
    ["10,000 signatures needed", "Help us reach our goal of 5,000 signatures",
     "0 signatures", "The letter was signed in 2020."],
)
def test_stated_counts_skip_goals_placeholders_and_years(text):
    assert find_count(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("They were among the 56 delegates who risked their lives by signing it.", 56),
        ("Meet the 30 nurses who stood in the cold and signed.", 30),
        ("Thanks to the 9 neighbours who are signing today.", 9),
    ],
)
def test_stated_counts_read_people_who_signed_in_a_relative_clause(text, value):
    assert find_count(text) == value


def test_stated_counts_prefer_the_phrase_about_signatures():
    assert find_count("Join 9,000 supporters. 1,204 signatures so far.") == 1204


def test_headline_count_found_below_a_long_signed_list():
    body = _page("Our statement.", 3000, "See all 3,000 signatures")
    result = HTML.parse(body, URL, {})
    assert result.reported_count == 3000
    assert result.listed_count == 3000


def test_headline_count_lower_bound_is_said_so():
    body = _page("More than 1,140 signatures and counting.", 5, "")
    result = HTML.parse(body, URL, {})
    assert (result.reported_count, result.reported_count_at_least) == (1140, True)


def test_headline_count_goal_and_zero_are_not_the_count():
    body = _page("0 signatures. Goal: 10,000 signatures needed.", 4, "")
    assert HTML.parse(body, URL, {}).reported_count is None


def test_headline_count_ignores_numbers_in_scripts():
    body = _page("<script>var s = '500 signatures';</script>Our letter.", 4, "")
    assert HTML.parse(body, URL, {}).reported_count is None


def test_headline_count_window_starting_inside_a_script_keeps_the_text_after_it():
    from scrapers.adapters.html_page import _visible_text

    assert find_count(_visible_text("x = 9;</script><p>1,204 signatures</p><script>y")) == 1204
    assert find_count(_visible_text("<p>12 signatures</p><script>z</script>")) == 12


@pytest.mark.parametrize(("text", "value", "at_least"), [
    ("Over 200 Organizations From 67 Countries Say: \u201cTransform the WTO\u201d", 200, True),
    ("More than 170 former heads of state and Nobel laureates, including Gordon Brown, "
     "today called on President Biden to waive the rules in an open letter today.", 170, True),
    ("\u201c1,204 economists urge the Fed to act\u201d", 1204, False),
])
def test_lead_count_reads_a_headline_that_opens_on_who_spoke(text, value, at_least):
    found = lead_count(text)
    assert (found.value, found.at_least) == (value, at_least)


@pytest.mark.parametrize("text", [
    "5 things to know about the waiver",             # no one speaks
    "2021 leaders say the waiver matters",           # a year, not a count
    "The coalition of more than 50 organizations, including Oxfam, warned today.",  # not a lead
    "Over 60 other heads of state attended. They later called for a waiver.",  # next sentence
])
def test_lead_count_leaves_other_openings_alone(text):
    assert lead_count(text) is None


def test_headline_count_from_a_press_release_lead_with_no_word_about_signing():
    page = ("<html><head><title>Leaders call for a waiver</title></head><body>"
            "<h1>Former leaders call on the President to waive patents</h1><p>14 April 2021</p>"
            "<p>More than 170 former heads of state, including a former President of Liberia, "
            "today called on the President in an open letter.</p>"
            "<p>A coalition of more than 50 organizations coordinated the letter.</p>"
            "</body></html>")
    result = HTML.parse(page.encode(), "https://example.org/press", {})
    assert (result.reported_count, result.reported_count_at_least) == (170, True)


def test_headline_count_signing_phrase_beats_a_lead():
    page = ("<html><body><h1>Over 200 Organizations Say: Transform the WTO</h1>"
            "<p>This letter has 214 signatures.</p></body></html>")
    assert HTML.parse(page.encode(), "https://example.org/letter", {}).reported_count == 214
