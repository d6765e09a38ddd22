"""Site indexes (issue #16 point 5): one listing page refreshes the counts of every tracked
petition it lists, through the same guard as a poll. Listings are built in code from the
real petition 241584's attributes (bench/listing.py, labelled synthetic): no real saved
listing page was found to record."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import select, update
from werkzeug import Request, Response

from bench.listing import REAL_PETITION, Listing, petition_json, petition_url
from models import Archive, IndexPollLog, Letter, SiteIndex, Snapshot
from models.base import iso_utc
from models.db import session_factory
from models.index import add_index, remove_index
from models.queries import newest_snapshot
from scrapers.adapters.uk_parliament_index import UK_PARLIAMENT_INDEX
from scrapers.errors import ParseError
from scrapers.index import get_index_reader, url_key
from tests.tracking import SteppingClock, add_letter, make_poller
from tracker.index import CLAIM_LEASE, IndexPoller, index_poller_for

SITE = "https://petition.parliament.uk"


class ServedListing:
    """A Listing on the loopback server; ``broken`` pages answer with a status or bad bytes,
    and ``before`` runs a page's callable before it answers."""

    def __init__(self, httpserver: HTTPServer, counts: dict[int, int | None]):
        self.base = httpserver.url_for("").rstrip("/")
        self.listing = Listing(self.base, counts)
        self.broken: dict[int, tuple[int, bytes]] = {}
        self.before: dict[int, Callable[[], object]] = {}
        httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
        httpserver.expect_request("/petitions.json").respond_with_handler(self._answer)
        self.requests: list[str] = []

    def _answer(self, request: Request) -> Response:
        number = int(request.args.get("page", "1"))
        self.requests.append(request.full_path)
        self.before.get(number, lambda: None)()
        status, body = self.broken.get(number, (200, self.listing.page(number)))
        return Response(body, status=status, content_type="application/json")

    @property
    def url(self) -> str:
        return f"{self.base}/petitions.json?state=open"

    def petition(self, petition_id: int) -> str:
        return petition_url(self.base, petition_id)


@pytest.fixture
def clock() -> SteppingClock:
    return SteppingClock(datetime(2019, 4, 22, 12, 0, tzinfo=UTC))


@pytest.fixture
def indexer(app, clock) -> IndexPoller:
    return IndexPoller(make_poller(app, clock), max_pages=10)


def new_index(app, url: str, *, kind: str = "uk-parliament") -> int:
    with session_factory(app)() as session, session.begin():
        return add_index(session, url=url, kind=kind, poll_interval_s=900,
                         now=datetime(2019, 4, 22, 11, 0, tzinfo=UTC)).id


def newest(app, letter_id: int, statuses=("ok",)) -> Snapshot | None:
    with session_factory(app)() as session:
        return newest_snapshot(session, letter_id, statuses=statuses)


def test_uk_parliament_index_reads_entries_and_next_link() -> None:
    listing = Listing(SITE, {n: 1000 + n for n in range(1, 121)})
    page = UK_PARLIAMENT_INDEX.parse(listing.page(2), listing.page_url(2))
    assert len(page.entries) == 50
    first = page.entries[0]
    assert (first.petition_id, first.signature_count, first.state) == ("51", 1051, "open")
    assert first.url == f"{SITE}/petitions/51.json"
    assert first.title == "Revoke Article 50 and remain in the EU."
    assert page.next_page_url == listing.page_url(3)
    assert UK_PARLIAMENT_INDEX.parse(listing.page(3), listing.page_url(3)).next_page_url is None


def test_uk_parliament_index_refuses_a_single_petition() -> None:
    # The real petition JSON is one petition (data is an object), not a listing.
    with pytest.raises(ParseError, match="no data array"):
        UK_PARLIAMENT_INDEX.parse(REAL_PETITION.read_bytes(), f"{SITE}/petitions/241584.json")


def test_index_registry_names_its_readers() -> None:
    assert get_index_reader("uk-parliament") is UK_PARLIAMENT_INDEX
    with pytest.raises(ParseError, match="known: uk-parliament"):
        get_index_reader("nope")


def test_url_key_same_petition_spellings() -> None:
    keys = {url_key(u) for u in (f"{SITE}/petitions/241584.json", f"{SITE}/petitions/241584",
                                 "http://PETITION.parliament.uk/petitions/241584/?reveal=1")}
    assert keys == {"petition.parliament.uk/petitions/241584"}
    assert url_key(f"{SITE}/petitions/24158") not in keys


def test_index_poll_follows_next_pages_and_refreshes_members(app, httpserver, indexer) -> None:
    served = ServedListing(httpserver, {n: 5000 + n for n in range(1, 121)})
    on_page_1 = add_letter(app, served.petition(7), kind="uk-parliament")
    on_page_3 = add_letter(app, served.petition(110).removesuffix(".json"))
    unlisted = add_letter(app, served.petition(999))
    result = indexer.poll(new_index(app, served.url))
    assert (result.outcome, result.pages, result.entries) == ("ok", 3, 120)
    assert (result.refreshed, result.changed, result.suspect) == (2, 2, 0)
    assert len(served.requests) == 3  # one request a page; no petition's own JSON
    snapshot = newest(app, on_page_1)
    assert (snapshot.reported_count, snapshot.listed_count) == (5007, None)
    assert snapshot.source_url == served.url  # cited to the listing page it was read from
    assert snapshot.archive_sha256 is not None
    assert newest(app, on_page_3).reported_count == 5110
    assert newest(app, unlisted) is None


def test_index_poll_confirms_an_unchanged_count(app, httpserver, indexer) -> None:
    served = ServedListing(httpserver, {1: 100, 2: 200})
    letter_id = add_letter(app, served.petition(2))
    index_id = new_index(app, served.url)
    indexer.poll(index_id)
    again = indexer.poll(index_id)
    assert (again.refreshed, again.changed) == (1, 0)
    snapshot = newest(app, letter_id)
    assert (snapshot.reported_count, snapshot.confirmations) == (200, 2)


def test_own_poll_brings_breakdowns_to_a_count_read_from_the_index(app, httpserver,
                                                                   indexer) -> None:
    served = ServedListing(httpserver, {1: 100, 2: 200})
    httpserver.expect_request("/petitions/2.json").respond_with_data(
        petition_json(served.base, 2, 200), content_type="application/json")
    letter_id = add_letter(app, served.petition(2))
    indexer.poll(new_index(app, served.url))
    assert newest(app, letter_id).breakdowns == {}  # the listing states no breakdowns
    assert indexer.poller.poll(letter_id).outcome == "unchanged"  # the same count, on its own
    snapshot = newest(app, letter_id)
    assert (len(snapshot.breakdowns["country"]), len(snapshot.breakdowns["constituency"])
            ) == (232, 650)


def test_index_poll_holds_a_drop_as_suspect(app, httpserver, indexer) -> None:
    served = ServedListing(httpserver, {1: 10_000, 2: 20_000})
    letter_id = add_letter(app, served.petition(1))
    index_id = new_index(app, served.url)
    indexer.poll(index_id)
    served.listing.counts[1] = 0  # a listing glitch: never a silent zero
    result = indexer.poll(index_id)
    assert (result.refreshed, result.changed, result.suspect) == (1, 0, 1)
    assert newest(app, letter_id).reported_count == 10_000
    held = newest(app, letter_id, statuses=("suspect",))
    assert (held.reported_count, held.suspect_reason) == (0, "the count dropped to zero "
                                                             "(was 10,000)")
    assert indexer.poll(index_id).suspect == 1  # seen again: one more confirmation, still held
    assert newest(app, letter_id, statuses=("suspect",)).confirmations == 2
    served.listing.counts[1] = 10_100
    assert indexer.poll(index_id).changed == 1
    assert newest(app, letter_id).reported_count == 10_100


def test_index_poll_broken_page_is_a_typed_outcome_and_loses_nothing(app, httpserver,
                                                                      indexer) -> None:
    served = ServedListing(httpserver, {n: 700 + n for n in range(1, 151)})
    on_page_1 = add_letter(app, served.petition(3))
    on_page_3 = add_letter(app, served.petition(140))
    served.broken[2] = (500, b"upstream error")
    index_id = new_index(app, served.url)
    result = indexer.poll(index_id)
    assert (result.outcome, result.pages, result.refreshed) == ("http_error", 1, 1)
    assert newest(app, on_page_1).reported_count == 703
    assert newest(app, on_page_3) is None
    with session_factory(app)() as session:
        logged = session.scalars(select(IndexPollLog)).one()
        index = session.get_one(SiteIndex, index_id)
        assert (logged.outcome, logged.http_status, logged.pages_read,
                logged.members_refreshed) == ("http_error", 500, 1, 1)
        assert (index.last_outcome, index.consecutive_failures) == ("http_error", 1)


def test_index_poll_unreadable_page_is_parse_error(app, httpserver, indexer) -> None:
    served = ServedListing(httpserver, {1: 5})
    served.broken[1] = (200, b"<html>maintenance</html>")
    result = indexer.poll(new_index(app, served.url))
    assert (result.outcome, result.pages) == ("parse_error", 0)


def test_index_poll_leaves_fetch_state_and_lists_alone(app, httpserver, indexer) -> None:
    served = ServedListing(httpserver, {1: 40, 2: 50})
    plain, listed = add_letter(app, served.petition(1)), add_letter(app, served.petition(2))
    due = datetime(2030, 1, 1, tzinfo=UTC)
    with session_factory(app)() as session, session.begin():
        session.execute(update(Letter).where(Letter.id == plain)
                        .values(etag='"v1"', next_due_at=due))
        session.add(Snapshot(letter_id=listed, observed_at=due - timedelta(days=5000),
                             last_confirmed_at=due - timedelta(days=5000), confirmations=1,
                             reported_count=3, listed_count=3, status="ok"))
    result = indexer.poll(new_index(app, served.url))
    assert result.refreshed == 1  # the letter with a list of names is its own poll's
    with session_factory(app)() as session:
        letter = session.get_one(Letter, plain)
        assert (letter.etag, letter.next_due_at) == ('"v1"', due)
    assert newest(app, listed).reported_count == 3


def test_index_poll_ignores_petitions_on_other_hosts(app, httpserver, indexer) -> None:
    served = ServedListing(httpserver, {1: 10})
    elsewhere = add_letter(app, "https://petition.parliament.uk/petitions/1.json")
    page = json.loads(served.listing.page(1))
    page["data"][0]["links"]["self"] = "https://petition.parliament.uk/petitions/1.json"
    served.broken[1] = (200, json.dumps(page).encode())
    result = indexer.poll(new_index(app, served.url))
    assert (result.outcome, result.entries, result.refreshed) == ("ok", 1, 0)
    assert newest(app, elsewhere) is None


def test_index_poll_refuses_a_next_page_on_another_host(app, httpserver, indexer) -> None:
    served = ServedListing(httpserver, {1: 10, 2: 20})
    page = json.loads(served.listing.page(1))
    page["links"]["next"] = "https://elsewhere.example/petitions.json?page=2"
    served.broken[1] = (200, json.dumps(page).encode())
    result = indexer.poll(new_index(app, served.url))
    assert (result.outcome, result.pages, len(served.requests)) == ("parse_error", 1, 1)


def test_index_poll_stops_at_the_page_limit(app, httpserver, clock) -> None:
    served = ServedListing(httpserver, {n: n for n in range(1, 201)})
    result = IndexPoller(make_poller(app, clock), max_pages=2).poll(new_index(app, served.url))
    assert (result.outcome, result.pages, len(served.requests)) == ("page_limit", 2, 2)


def test_index_poll_due_claims_each_due_index_once(app, httpserver, indexer, clock) -> None:
    served = ServedListing(httpserver, {1: 10})
    due, later = new_index(app, served.url), new_index(app, served.url + "&sort=new")
    with session_factory(app)() as session, session.begin():
        session.execute(update(SiteIndex).where(SiteIndex.id == later)
                        .values(next_due_at=clock.now + CLAIM_LEASE * 10))
    assert [r.index_id for r in indexer.poll_due()] == [due]
    assert indexer.poll_due() == []  # polled: due again one interval on
    with session_factory(app)() as session:
        index = session.get_one(SiteIndex, due)
        assert index.next_due_at - index.last_polled_at >= timedelta(seconds=900)


def test_index_poller_for_app_shares_the_letter_poller(app) -> None:
    from tracker.runtime import get_poller

    assert index_poller_for(app).poller is get_poller(app)
    assert index_poller_for(app) is index_poller_for(app)


def test_letters_add_index_indexes_and_poll_index(app, runner, httpserver) -> None:
    served = ServedListing(httpserver, {n: 10 * n for n in range(1, 61)})
    add_letter(app, served.petition(55))
    none_yet = runner.invoke(args=["letters", "indexes"]).output
    assert none_yet.strip() == "no site indexes yet: signwatch letters add-index URL"
    added = runner.invoke(args=["letters", "add-index", served.url, "--every", "5m"])
    assert added.exit_code == 0, added.output
    assert added.output.strip() == f"index 1: {served.url} every 5m"
    again = runner.invoke(args=["letters", "add-index", served.url])
    assert again.exit_code == 1 and "is an index already" in again.output
    polled = runner.invoke(args=["letters", "poll-index"])
    assert polled.exit_code == 0, polled.output
    assert "2 pages, 60 listed, 1 letters refreshed (1 changed, 0 suspect) [ok]" in polled.output
    table = runner.invoke(args=["letters", "indexes"]).output.split()
    assert table == ["1", "uk-parliament", "5m", "ok", "1", served.url]
    listed = json.loads(runner.invoke(args=["letters", "indexes", "--json"]).output)
    assert listed[0]["last_outcome"] == "ok" and listed[0]["poll_interval"] == "5m"
    assert listed[0]["last_poll"]["pages_read"] == 2
    assert listed[0]["last_poll"]["members_refreshed"] == 1


def test_letters_poll_index_fails_on_a_failed_poll(app, runner, httpserver) -> None:
    served = ServedListing(httpserver, {1: 1})
    served.broken[1] = (404, b"{}")
    runner.invoke(args=["letters", "add-index", served.url])
    polled = runner.invoke(args=["letters", "poll-index", "1"])
    assert polled.exit_code == 1 and "[http_error]" in polled.output
    missing = runner.invoke(args=["letters", "poll-index", "9"])
    assert missing.exit_code == 1 and "no index numbered 9" in missing.output


def test_letters_add_index_refuses_an_unknown_kind(runner) -> None:
    refused = runner.invoke(args=["letters", "add-index", f"{SITE}/petitions.json",
                                  "--kind", "nope"])
    assert refused.exit_code == 2 and "unknown index kind 'nope'" in refused.output


def test_index_poll_of_an_unknown_kind_is_a_typed_outcome(app, httpserver, indexer) -> None:
    served = ServedListing(httpserver, {1: 1})
    index_id = new_index(app, served.url, kind="retired-reader")
    [result] = indexer.poll_due()
    assert (result.index_id, result.outcome, served.requests) == (index_id, "unknown_kind", [])
    with session_factory(app)() as session:
        assert session.scalars(select(IndexPollLog.outcome)).one() == "unknown_kind"


def test_index_poll_entry_without_a_count_is_never_a_reading_of_zero(app, httpserver,
                                                                     indexer) -> None:
    served = ServedListing(httpserver, {1: None, 2: 500})
    unread, vanished = add_letter(app, served.petition(1)), add_letter(app, served.petition(2))
    index_id = new_index(app, served.url)
    assert indexer.poll(index_id).refreshed == 1  # nothing stated, nothing recorded
    assert newest(app, unread, statuses=("ok", "suspect")) is None
    served.listing.counts[2] = None
    assert indexer.poll(index_id).suspect == 1
    assert newest(app, vanished).reported_count == 500
    assert newest(app, vanished, statuses=("suspect",)).suspect_reason == (
        "the count vanished (was 500)")


# --- managing indexes: pause, resume, remove; the admin page; the letter page's line ------


def test_letters_pause_resume_and_remove_index_keep_the_counts_read(app, runner,
                                                                    httpserver) -> None:
    served = ServedListing(httpserver, {1: 100, 2: 200})
    letter_id = add_letter(app, served.petition(2))
    runner.invoke(args=["letters", "add-index", served.url, "--every", "5m"])
    assert runner.invoke(args=["letters", "poll-index"]).exit_code == 0
    paused = runner.invoke(args=["letters", "pause-index", "1"])
    assert paused.output.strip() == f"paused index 1: {served.url}"
    assert json.loads(runner.invoke(args=["letters", "indexes", "--json"]).output)[0][
        "active"] is False
    idle = runner.invoke(args=["letters", "poll-index"])
    assert idle.output.strip() == "every site index is paused: signwatch letters resume-index ID"
    assert len(served.requests) == 1  # a paused index is not read
    resumed = runner.invoke(args=["letters", "resume-index", "1"])
    with session_factory(app)() as session:
        index = session.get_one(SiteIndex, 1)
        assert index.active and index.next_due_at <= datetime.now(UTC)
    assert resumed.output.strip() == (f"resumed index 1: {served.url} every 5m, "
                                      f"next due {iso_utc(index.next_due_at)}")
    removed = runner.invoke(args=["letters", "remove-index", "1"])
    assert removed.output.strip() == f"removed index 1: {served.url} (the counts it read are kept)"
    with session_factory(app)() as session:
        assert session.scalars(select(SiteIndex)).all() == []
        assert session.scalars(select(IndexPollLog)).all() == []
        snapshot = newest_snapshot(session, letter_id)
        assert (snapshot.reported_count, snapshot.source_url) == (200, served.url)
        assert session.get(Archive, snapshot.archive_sha256) is not None


@pytest.mark.parametrize("command", ["pause-index", "resume-index", "remove-index"])
def test_letters_index_changes_refuse_an_unknown_number(runner, command) -> None:
    refused = runner.invoke(args=["letters", command, "9"])
    assert refused.exit_code == 1 and "no index numbered 9" in refused.output


def test_index_poll_of_an_index_removed_while_read_keeps_its_readings(app, httpserver,
                                                                      indexer) -> None:
    served = ServedListing(httpserver, {n: n for n in range(1, 61)})
    letter_id = add_letter(app, served.petition(3))
    index_id = new_index(app, served.url)

    def remove() -> None:
        with session_factory(app)() as session, session.begin():
            remove_index(session, index_id)

    served.before[2] = remove
    result = indexer.poll(index_id)
    assert (result.outcome, result.pages, result.refreshed) == ("ok", 2, 1)
    assert newest(app, letter_id).reported_count == 3
    with session_factory(app)() as session:
        assert session.scalars(select(IndexPollLog)).all() == []


def test_admin_indexes_lists_each_index_with_its_recent_polls(app, editor, httpserver,
                                                             indexer) -> None:
    served = ServedListing(httpserver, {n: 10 * n for n in range(1, 61)})
    add_letter(app, served.petition(55))
    index_id = new_index(app, served.url)
    indexer.poll(index_id)
    served.broken[1] = (404, b"{}")
    indexer.poll(index_id)
    page = editor.get("/admin/indexes")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    row = html.split(f'<tr id="index-{index_id}">')[1].split("</tr>")[0]
    for shown in (served.url, "uk-parliament", "15m", "http_error", "failed polls in a row: 1",
                  '<td class="num">0</td>'):
        assert shown in row, row
    log = html.split(f'id="index-{index_id}-log"')[1]
    assert log.index("http_error") < log.index("<td>ok</td>")  # newest first
    assert '<td class="num">2</td>' in log and '<td class="num">404</td>' in log
    assert 'href="/admin/indexes"' in editor.get("/admin/").get_data(as_text=True)


def test_admin_indexes_needs_a_signed_in_editor(client) -> None:
    response = client.get("/admin/indexes")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Fadmin%2Findexes"


def test_admin_indexes_render_a_hostile_url_and_error_inert(app, editor) -> None:
    hostile = f'{SITE}/petitions.json?q="><script>alert(1)</script>'
    index_id = new_index(app, hostile)
    with session_factory(app)() as session, session.begin():
        session.execute(update(SiteIndex).values(
            last_outcome="parse_error", last_error="<img src=x onerror=alert(2)>"))
    html = editor.get("/admin/indexes").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert f'id="index-{index_id}"' in html


def test_letter_page_says_a_count_came_from_a_site_index(app, client, httpserver,
                                                         indexer) -> None:
    served = ServedListing(httpserver, {1: 100, 2: 200})
    httpserver.expect_request("/petitions/1.json").respond_with_data(
        petition_json(served.base, 1, 100), content_type="application/json")
    from_listing, own = add_letter(app, served.petition(2)), add_letter(app, served.petition(1))
    indexer.poller.poll(own)
    index_id = new_index(app, served.url)
    indexer.poll(index_id)
    with session_factory(app)() as session:
        slugs = {i: session.get_one(Letter, i).slug for i in (from_listing, own)}
    line = "a site index listing many petitions' counts"
    listed = client.get(f"/letters/{slugs[from_listing]}").get_data(as_text=True)
    assert line in listed and f">{served.url}</a>, <span" in listed.replace("&amp;", "&")
    assert line not in client.get(f"/letters/{slugs[own]}").get_data(as_text=True)
