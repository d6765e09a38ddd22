"""A letter whose list runs over several pages is tracked on every page, not just the first.

The pages are SYNTHETIC (built here): the real fixtures hold no paginated list."""

from __future__ import annotations

import hashlib

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select

from models import Archive, Letter, Signature, Snapshot, SnapshotPage
from models.db import session_factory
from models.history import archived_body
from tests.tracking import SteppingClock, add_letter, make_poller
from tracker.poll import parse_archived

FIRST = ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
SECOND = ["Radia Perlman", "Barbara Liskov"]


def page(names: list[str], next_path: str | None, etag: str) -> tuple[str, dict[str, str]]:
    link = f'<link rel="next" href="{next_path}">' if next_path else ""
    items = "".join(f"<li>{name}, Example University</li>" for name in names)
    html = (f"<html><head><title>Letter</title>{link}</head><body><h1>Letter</h1>"
            f"<ol>{items}</ol></body></html>")
    return html, {"ETag": etag}


def serve(httpserver: HTTPServer, second: list[str]) -> None:
    """Page 1 never changes (same bytes, same ETag); page 2 holds ``second``."""
    httpserver.clear()
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    for path, (html, headers) in {"/p1": page(FIRST, "/p2", '"one"'),
                                  "/p2": page(second, None, f'"two-{len(second)}"')}.items():
        httpserver.expect_request(path).respond_with_data(html, content_type="text/html",
                                                          headers=headers)


@pytest.fixture
def poller(app):
    return make_poller(app, SteppingClock())


def names(app, letter_id: int) -> list[str]:
    with session_factory(app)() as session:
        return list(session.scalars(select(Signature.name).where(
            Signature.letter_id == letter_id, Signature.removed_at.is_(None))
            .order_by(Signature.position)))


def test_poll_paginated_sees_a_change_on_a_later_page(app, httpserver, poller):
    serve(httpserver, SECOND)
    letter_id = add_letter(app, httpserver.url_for("/p1"))
    assert poller.poll(letter_id).listed_count == 5
    serve(httpserver, [*SECOND, "Frances Allen"])
    result = poller.poll(letter_id)
    assert (result.outcome, result.listed_count, result.added) == ("changed", 6, 1)
    assert names(app, letter_id) == [*FIRST, *SECOND, "Frances Allen"]


def test_poll_paginated_unchanged_adds_no_snapshot(app, httpserver, poller):
    serve(httpserver, SECOND)
    letter_id = add_letter(app, httpserver.url_for("/p1"))
    poller.poll(letter_id)
    assert poller.poll(letter_id).outcome == "unchanged"
    with session_factory(app)() as session:
        snapshots = session.scalars(select(Snapshot).where(Snapshot.letter_id == letter_id))
        assert [s.confirmations for s in snapshots] == [2]


def test_poll_single_page_keeps_its_validators(app, httpserver, poller):
    html, headers = page(FIRST, None, '"solo"')
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/solo").respond_with_data(html, content_type="text/html",
                                                         headers=headers)
    letter_id = add_letter(app, httpserver.url_for("/solo"))
    poller.poll(letter_id)
    with session_factory(app)() as session:
        assert session.get(Letter, letter_id).etag == '"solo"'


def test_poll_paginated_archives_every_page(app, httpserver, poller):
    serve(httpserver, SECOND)
    letter_id = add_letter(app, httpserver.url_for("/p1"))
    poller.poll(letter_id)
    with session_factory(app)() as session:
        snapshot = session.scalars(select(Snapshot).where(Snapshot.letter_id == letter_id)).one()
        [more] = snapshot.more_pages
        assert (more.page_no, more.url) == (2, httpserver.url_for("/p2"))
        assert archived_body(more.archive) == page(SECOND, None, "")[0].encode()
        assert more.archive_sha256 == hashlib.sha256(archived_body(more.archive)).hexdigest()


def test_parse_archived_rebuilds_the_whole_list(app, httpserver, poller):
    serve(httpserver, SECOND)
    letter_id = add_letter(app, httpserver.url_for("/p1"))
    poller.poll(letter_id)
    serve(httpserver, [])  # the live pages no longer matter: the archive answers
    with session_factory(app)() as session:
        snapshot = session.scalars(select(Snapshot).where(Snapshot.letter_id == letter_id)).one()
        result = parse_archived(snapshot, session.get(Letter, letter_id))
    assert [signer.name for signer in result.signers] == [*FIRST, *SECOND]


def test_poll_paginated_unchanged_archives_nothing_new(app, httpserver, poller):
    serve(httpserver, SECOND)
    letter_id = add_letter(app, httpserver.url_for("/p1"))
    poller.poll(letter_id)
    poller.poll(letter_id)
    with session_factory(app)() as session:
        assert session.scalar(select(func.count()).select_from(SnapshotPage)) == 1
        assert session.scalar(select(func.count()).select_from(Archive)) == 2


def test_letter_page_and_api_cite_every_archived_page(app, httpserver, poller, client):
    serve(httpserver, SECOND)
    letter_id = add_letter(app, httpserver.url_for("/p1"))
    poller.poll(letter_id)
    with session_factory(app)() as session:
        letter = session.get(Letter, letter_id)
        [more] = session.scalars(select(SnapshotPage)).all()
    html = client.get(f"/letters/{letter.slug}").get_data(as_text=True)
    link = f"/letters/{letter.slug}/archive/{more.archive_sha256}"
    assert f'page 2 <a class="sha" href="{link}">' in html
    cited = client.get(f"/api/v1/letters/{letter.slug}").get_json()["data"]["citation"]
    assert [(p["page"], p["sha256"]) for p in cited["archive_pages"]] == [
        (2, more.archive_sha256)]
    download = client.get(link)
    assert download.status_code == 200
    assert download.data == page(SECOND, None, "")[0].encode()


def test_archive_of_another_letters_page_is_not_served(app, httpserver, poller, client):
    serve(httpserver, SECOND)
    paginated = add_letter(app, httpserver.url_for("/p1"))
    poller.poll(paginated)
    other = add_letter(app, "https://example.org/other")
    with session_factory(app)() as session:
        sha = session.scalars(select(SnapshotPage.archive_sha256)).one()
        slug = session.get(Letter, other).slug
    assert client.get(f"/letters/{slug}/archive/{sha}").status_code == 404
