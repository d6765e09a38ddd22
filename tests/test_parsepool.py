"""Polls that parse in worker processes store what an in-process poll stores (#16 point 1)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from pytest_httpserver import HTTPServer
from sqlalchemy import select

from enrich.roles import RoleRules, load_rules
from models.db import session_factory
from models.history import signer_row
from models.signers import Facet, Signature
from scrapers.detect import parse_page
from tests.doj import FIRST_LINES, synthetic_page
from tests.tracking import FIXTURES, SteppingClock, add_letter, make_poller
from tracker.backfill import page_from_file
from tracker.enrichment import facet_cuts
from tracker.parsepool import KnownFacets, ParsePool
from tracker.poll import Poller

MOZILLA = (FIXTURES / "mozilla_ai_safety_openness_statement_2023_html"
           / "ai-safety_signatures_index.html__10c62c5a58.html")
PAGES = {
    "doj-synthetic": (synthetic_page(FIRST_LINES), "text/markdown; charset=utf-8"),
    "mozilla-real": (MOZILLA.read_bytes(), "text/html; charset=utf-8"),
}


@pytest.fixture(scope="module")
def rules() -> RoleRules:
    return load_rules()


@pytest.fixture(scope="module")
def pool(rules: RoleRules) -> Iterator[ParsePool]:
    with ParsePool(1, rules) as started:
        yield started


def _poller(app: Flask, rules: RoleRules) -> Poller:
    poller = make_poller(app, SteppingClock(datetime(2020, 2, 16, 18, 0, tzinfo=UTC)))
    poller.settings = replace(poller.settings, rules=rules)
    return poller


def _stored(app: Flask, letter_id: int) -> list[tuple]:
    """The letter's signers and their facets, without row ids."""
    with session_factory(app)() as session:
        return [tuple(row) for row in session.execute(
            select(Signature.position, Signature.name_key, Signature.person_id, Facet.key,
                   Facet.value, Facet.source, Facet.source_detail)
            .outerjoin(Facet, Facet.signature_id == Signature.id)
            .where(Signature.letter_id == letter_id)
            .order_by(Signature.position, Facet.key, Facet.value))]


@pytest.mark.parametrize("name", sorted(PAGES))
def test_parsepool_poll_stores_what_an_in_process_poll_stores(
        app: Flask, httpserver: HTTPServer, pool: ParsePool, rules: RoleRules,
        name: str) -> None:
    body, content_type = PAGES[name]
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    for path in ("/here", "/pooled"):
        httpserver.expect_request(path).respond_with_data(body, content_type=content_type)
    here = add_letter(app, httpserver.url_for("/here"))
    pooled = add_letter(app, httpserver.url_for("/pooled"))
    poller = _poller(app, rules)
    assert poller.poll(here).outcome == "first"
    assert poller.poll(pooled, pool=pool).outcome == "first"
    stored = _stored(app, pooled)
    assert stored == _stored(app, here)
    assert sum(row[3] is not None for row in stored) > 0  # the page has facets to compare


def test_parsepool_reader_reads_facets_only_when_given_a_day(pool: ParsePool,
                                                             rules: RoleRules) -> None:
    body, content_type = PAGES["doj-synthetic"]
    url, day = "https://example.org/statement.md", date(2020, 2, 16)
    here = parse_page(body, url, content_type, "auto", {})
    with_facets, parse_only = pool.reader(day), pool.reader(None)
    assert with_facets(body, url, content_type, "auto", {}) == here
    assert parse_only(body, url, content_type, "auto", {}) == here
    known = with_facets.known_facets(here)
    assert known is not None and known.day == day
    rows = [signer_row("", 0, 0, signer) for signer in here.signers]
    assert list(known.cuts) == facet_cuts(rows, rules, day)
    assert parse_only.known_facets(here) is None


def test_parsepool_known_facets_are_stored_only_for_their_own_day(
        app: Flask, rules: RoleRules, tmp_path) -> None:
    path = tmp_path / "statement.md"
    path.write_bytes(PAGES["doj-synthetic"][0])
    url, day = "https://example.org/statement.md", date(2020, 2, 16)
    page = page_from_file(path, url, "markdown", {})
    marker = [("role", "known beforehand", "printed", None)]
    known = KnownFacets(day, tuple(marker for _ in page.result.signers))
    poller = _poller(app, rules)
    same_day = add_letter(app, url + "?same-day")
    other_day = add_letter(app, url + "?other-day")
    at = datetime(2020, 2, 16, 18, 0, tzinfo=UTC)
    poller.record(same_day, replace(page, known_facets=known), observed_at=at)
    poller.record(other_day, replace(page, known_facets=known),
                  observed_at=at + timedelta(days=1))
    values = {letter: {row[4] for row in _stored(app, letter) if row[3] == "role"}
              for letter in (same_day, other_day)}
    assert values[same_day] == {"known beforehand"}
    assert "known beforehand" not in values[other_day] and values[other_day]
