"""Wayback backfill (#17 part A): the CDX index, the rate limiter, and real letters' captures
through the pipeline against a local stand-in of the Wayback Machine."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import select

from models import Signature, Snapshot, SnapshotPage
from models.db import session_factory
from scrapers.errors import ParseError
from scrapers.fetch import Fetcher, FetchSettings, build_client
from scrapers.wayback import (
    RateLimiter,
    WaybackClient,
    bound_stamp,
    capture_stamp,
    parse_cdx,
)
from tests.tracking import add_letter
from tests.wayback import WaybackStandIn, series, signers
from tracker.backfill import backfill
from tracker.demo import DEMO_LETTERS
from tracker.guard import GuardSettings
from tracker.poll import Poller, PollSettings
from tracker.wayback import Target, backfill_wayback

DEMOS = {demo.slug: demo for demo in DEMO_LETTERS}
HEADER = ["timestamp", "original", "statuscode", "digest", "mimetype"]


class FakeClock:
    """Monotonic seconds that move only when slept."""

    def __init__(self) -> None:
        self.now, self.slept = 1000.0, []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def standin(httpserver) -> WaybackStandIn:
    return WaybackStandIn(httpserver)


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def poller(app: Flask, sleeps: list[float]) -> Poller:
    settings = FetchSettings(allow_private=True, min_host_delay=0.0, max_retries=2,
                             read_timeout=5.0, connect_timeout=2.0)
    fetcher = Fetcher(build_client(settings), settings, sleep=sleeps.append)
    return Poller(session_factory(app), fetcher, PollSettings(guard=GuardSettings()))


@pytest.fixture
def client(poller: Poller, standin: WaybackStandIn) -> WaybackClient:
    return WaybackClient(poller.fetcher, standin.base_url)


def target_of(app: Flask, url: str, kind: str) -> Target:
    letter_id = add_letter(app, url, kind=kind)
    return Target(letter_id, f"letter-{letter_id}", url, kind, {})


def reference_backfill(app: Flask, poller: Poller, demo) -> int:
    """The demo letter backfilled from its files (as ``signwatch demo`` does); its id."""
    letter_id = add_letter(app, demo.url + "#from-files", kind=demo.kind)
    backfill(poller, letter_id, demo.url, demo.kind, {}, demo.capture_list())
    return letter_id


def serve_demo(standin: WaybackStandIn, slug: str) -> None:
    demo = DEMOS[slug]
    for capture in demo.capture_list():
        standin.add_file(demo.url, capture.at, capture.path)


# ---------------------------------------------------------------- the CDX index

def test_parse_cdx_keeps_one_capture_per_run_of_a_digest() -> None:
    rows = [HEADER, ["20230815174800", "https://x.org/", "200", "AAA", "text/html"],
            ["20230815174800", "https://x.org/", "200", "AAA", "text/html"],
            ["20230901000000", "https://x.org/", "200", "AAA", "text/html"],
            ["20231001000000", "https://x.org/", "200", "BBB", "text/html"],
            ["20231101000000", "https://x.org/", "200", "AAA", "text/html"]]
    captures = parse_cdx(json.dumps(rows).encode())
    assert [(c.timestamp, c.digest) for c in captures] == [
        ("20230815174800", "AAA"), ("20231001000000", "BBB"), ("20231101000000", "AAA")]
    assert captures[0].at == datetime(2023, 8, 15, 17, 48, tzinfo=UTC)


def test_parse_cdx_empty_answer_is_no_captures_and_garbage_is_a_parse_error() -> None:
    assert parse_cdx(b"") == parse_cdx(b"[]") == []
    with pytest.raises(ParseError):
        parse_cdx(b"<html>oops</html>")
    with pytest.raises(ParseError):
        parse_cdx(json.dumps([["timestamp"], ["20230815174800"]]).encode())


def test_parse_cdx_drops_rows_that_are_not_captures() -> None:
    rows = [HEADER, ["not-a-time", "https://x.org/", "200", "A", "text/html"], ["short"]]
    assert parse_cdx(json.dumps(rows).encode()) == []


def test_capture_stamp_reads_the_time_after_a_redirect() -> None:
    assert capture_stamp("https://web.archive.org/web/20230815174800id_/https://x.org/a") == \
        "20230815174800"
    assert capture_stamp("https://x.org/") is None


def test_bound_stamp_takes_a_year_a_day_or_a_second_with_or_without_dashes() -> None:
    assert bound_stamp("2023") == "2023"
    assert bound_stamp("2023-08-15") == "20230815"
    assert bound_stamp("20230815174800") == "20230815174800"
    assert bound_stamp("") is bound_stamp(None) is None
    for bad in ("202", "20230", "15 Aug", "202308151748001", "2023-08-15T17:48"):
        with pytest.raises(ValueError):
            bound_stamp(bad)


# ---------------------------------------------------------------- the rate limiter

def test_rate_limiter_lets_a_minute_s_budget_through_then_waits_for_the_oldest() -> None:
    clock = FakeClock()
    limiter = RateLimiter(20, clock=clock, sleep=clock.sleep)
    for _ in range(20):
        limiter.wait()
        clock.now += 1.0
    assert clock.slept == []
    limiter.wait()  # the first of the 20 was 20 s ago: 40 s until it is a minute old
    assert clock.slept == [pytest.approx(40.0)]
    limiter.wait()  # the second was sent 1 s after the first
    assert clock.slept[1:] == [pytest.approx(1.0)]


def test_rate_limiter_forgets_requests_older_than_a_minute() -> None:
    clock = FakeClock()
    limiter = RateLimiter(2, clock=clock, sleep=clock.sleep)
    limiter.wait()
    limiter.wait()
    clock.now += 60.0
    limiter.wait()
    limiter.wait()
    assert clock.slept == []


def test_rate_limiter_refuses_a_budget_of_nothing() -> None:
    with pytest.raises(ValueError):
        RateLimiter(0)


# ---------------------------------------------------------------- backfills

@pytest.mark.parametrize("slug", ["rms-open-letter-2021", "mozilla-ai-safety-openness-2023"])
def test_wayback_backfill_rebuilds_a_real_letter_s_series_exactly(
        app: Flask, poller: Poller, client: WaybackClient, standin: WaybackStandIn,
        slug: str) -> None:
    demo = DEMOS[slug]
    serve_demo(standin, slug)
    reference = reference_backfill(app, poller, demo)
    target = target_of(app, demo.url, demo.kind)

    outcomes = backfill_wayback(poller, client, target)

    assert [o.capture.at for o in outcomes] == [c.at.astimezone(UTC).replace(microsecond=0)
                                                for c in demo.capture_list()]
    assert series(app, target.id) == series(app, reference)
    assert signers(app, target.id) == signers(app, reference)
    with session_factory(app)() as session:
        snaps = session.scalars(select(Snapshot).where(Snapshot.letter_id == target.id)).all()
        for snap in snaps:
            assert snap.capture_url == (f"{standin.base_url}/web/"
                                        f"{snap.observed_at:%Y%m%d%H%M%S}id_/{demo.url}")
            assert snap.source_url == demo.url and not snap.partial


def test_wayback_backfill_passes_duplicates_refusals_lost_and_foreign_captures(
        app: Flask, poller: Poller, client: WaybackClient, standin: WaybackStandIn,
        sleeps: list[float]) -> None:
    demo = DEMOS["rms-open-letter-2021"]
    serve_demo(standin, demo.slug)
    reference = reference_backfill(app, poller, demo)
    standin.repeat_rows = 2  # every digest twice: one fetch each all the same
    lost = standin.add(demo.url, "20210324120000", b"# lost", "text/markdown")
    standin.lost.add(lost)
    moved = standin.add(demo.url, "20210324180000", b"# moved", "text/markdown")
    standin.moved.add(moved)
    foreign = standin.add(demo.url, "20210325000000",
                          b"<html><body><h1>Domain parked</h1></body></html>", "text/html")
    standin.refuse_next += [("/cdx/", 503, "7"), ("/web/", 503, "3")]
    target = target_of(app, demo.url, demo.kind)

    outcomes = backfill_wayback(poller, client, target)

    by_stamp = {o.capture.timestamp: o.outcome for o in outcomes}
    assert by_stamp[lost] == by_stamp[moved] == "missing"
    assert by_stamp[foreign] == "not_the_letter"
    assert len(outcomes) == len(demo.captures) + 3
    assert sleeps == [7.0, 3.0]  # each Retry-After waited out, then asked again
    assert len(standin.capture_requests()) == len(outcomes) + 2  # the 503, the redirect
    assert series(app, target.id) == series(app, reference)


def test_wayback_backfill_resumes_after_an_interruption_without_refetching(
        app: Flask, poller: Poller, client: WaybackClient, standin: WaybackStandIn) -> None:
    demo = DEMOS["rms-open-letter-2021"]
    serve_demo(standin, demo.slug)
    reference = reference_backfill(app, poller, demo)
    target = target_of(app, demo.url, demo.kind)

    def interrupt(progress) -> None:
        if progress.done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        backfill_wayback(poller, client, target, on_progress=interrupt)
    assert len(series(app, target.id)) == 3
    fetched_before = len(standin.capture_requests())

    outcomes = backfill_wayback(poller, client, target)

    assert [o.outcome for o in outcomes[:3]] == ["skipped"] * 3
    assert len(standin.capture_requests()) - fetched_before == len(demo.captures) - 3
    assert series(app, target.id) == series(app, reference)
    assert signers(app, target.id) == signers(app, reference)


def test_wayback_backfill_from_to_bounds_the_captures(
        app: Flask, poller: Poller, client: WaybackClient, standin: WaybackStandIn) -> None:
    demo = DEMOS["rms-open-letter-2021"]
    serve_demo(standin, demo.slug)
    target = target_of(app, demo.url, demo.kind)
    outcomes = backfill_wayback(poller, client, target, since="20210324", until="20210325")
    assert [o.capture.timestamp[:8] for o in outcomes] == ["20210324"] * 3 + ["20210325"] * 2


# ---------------------------------------------------------------- paginated letters

def _html_page(names: list[str], next_href: str | None) -> bytes:
    items = "".join(f"<li>{name}</li>" for name in names)
    link = f'<a rel="next" href="{next_href}">Next</a>' if next_href else ""
    return (f"<html><body><h1>Open letter</h1><p>{len(names) * 2 if next_href else len(names)}"
            f" signatures</p><ol class='signers'>{items}</ol>{link}</body></html>").encode()


PAGE1 = ["Ada Lovelace", "Grace Hopper", "Alan Turing"]
PAGE2 = ["Edsger Dijkstra", "Barbara Liskov", "Donald Knuth"]


def test_wayback_paginated_letter_reads_later_pages_from_their_nearest_captures(
        app: Flask, poller: Poller, client: WaybackClient, standin: WaybackStandIn) -> None:
    url = "https://letters.example/open"
    standin.add(url, "20230815174800", _html_page(PAGE1, "?page=2"), "text/html")
    page2 = standin.add(url + "?page=2", "20230815180512", _html_page(PAGE2, None),
                        "text/html")
    target = target_of(app, url, "html")
    target = Target(target.id, target.slug, url, "html", {"selector": "ol.signers li"})

    [outcome] = backfill_wayback(poller, client, target)

    assert outcome.outcome == "first" and outcome.result.listed_count == 6
    with session_factory(app)() as session:
        snap = session.scalars(select(Snapshot).where(Snapshot.letter_id == target.id)).one()
        page = session.scalars(select(SnapshotPage)).one()
        assert not snap.partial
        assert page.url == url + "?page=2"
        assert page.capture_url == f"{standin.base_url}/web/{page2}id_/{url}?page=2"


@pytest.mark.parametrize("page2_at", [None, "20230915174800"])
def test_wayback_paginated_letter_without_a_later_capture_near_in_time_is_marked_partial(
        app: Flask, poller: Poller, client: WaybackClient, standin: WaybackStandIn,
        page2_at: str | None) -> None:
    url = "https://letters.example/open"
    standin.add(url, "20230815174800", _html_page(PAGE1, "?page=2"), "text/html")
    if page2_at:  # a month later: another moment's list
        standin.add(url + "?page=2", page2_at, _html_page(PAGE2, None), "text/html")
    letter = target_of(app, url, "html")
    target = Target(letter.id, letter.slug, url, "html", {"selector": "ol.signers li"})

    [outcome] = backfill_wayback(poller, client, target)

    assert outcome.result.reported_count == 6 and outcome.result.listed_count is None
    with session_factory(app)() as session:
        snap = session.scalars(select(Snapshot).where(Snapshot.letter_id == target.id)).one()
        assert snap.partial and snap.reported_count == 6 and snap.listed_count is None
        assert session.scalars(select(Signature)).all() == []


def test_wayback_backfill_of_a_url_never_captured_records_nothing(
        app: Flask, poller: Poller, client: WaybackClient, standin: WaybackStandIn) -> None:
    target = target_of(app, "https://never.example/letter", "html")
    assert backfill_wayback(poller, client, target) == []
    assert series(app, target.id) == []
