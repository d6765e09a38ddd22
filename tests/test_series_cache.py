"""What the letter page caches from a letter's snapshots (the chart, the list replacements) is
keyed by the letter's series count (models/generation.py, ``series_current``): every change
to its own snapshots shows at once, whoever writes it; other letters' snapshots and polls
that find the page unchanged leave the cache warm. Letters and counts here are synthetic.
"""

from __future__ import annotations

import json
from datetime import timedelta

from flask import Flask
from sqlalchemy import delete, event, update
from sqlalchemy.orm import Session

from models import Snapshot, pollstate, reads
from models.db import get_engine
from models.editing import decide_snapshot
from tests.pagecache import AT, new_letter
from web import pages


def synthetic_letter(session: Session, slug: str, statuses: list[str]) -> int:
    """A letter with one snapshot an hour, counts 100, 200, ... (status per ``statuses``)."""
    with session.begin():
        letter_id = new_letter(session, slug)
        for i, status in enumerate(statuses):
            add_snapshot(session, letter_id, i, status)
        return letter_id


def add_snapshot(session: Session, letter_id: int, hour: int, status: str = "ok") -> Snapshot:
    at = AT + timedelta(hours=hour)
    snapshot = Snapshot(letter_id=letter_id, observed_at=at, last_confirmed_at=at,
                        confirmations=1, reported_count=100 * (hour + 1),
                        listed_count=hour + 1, status=status)
    session.add(snapshot)
    session.flush()
    return snapshot


def charted(client, slug: str) -> list[int | None]:
    """The reported counts in the letter page's chart payload."""
    body = client.get(f"/letters/{slug}").get_data(as_text=True)
    start = body.index('id="chart-data">') + len('id="chart-data">')
    return json.loads(body[start:body.index("</script>", start)])["reported"]


def snapshot_at(session: Session, letter_id: int, hour: int) -> int:
    return session.scalar(reads.snapshots_of(letter_id, statuses=None).where(
        Snapshot.observed_at == AT + timedelta(hours=hour)).with_only_columns(Snapshot.id))


def test_series_cache_chart_shows_an_old_snapshot_corrected_in_place(
        client, session: Session) -> None:
    """A count corrected in the middle of the series moves no id and no count of rows."""
    letter_id = synthetic_letter(session, "corrected", ["ok", "ok", "ok"])
    assert charted(client, "corrected") == charted(client, "corrected") == [100, 200, 300]
    with session.begin():
        session.execute(update(Snapshot).where(Snapshot.id == snapshot_at(session, letter_id, 1))
                        .values(reported_count=250))
    assert charted(client, "corrected") == [100, 250, 300]
    table = client.get("/letters/corrected").get_data(as_text=True).split('class="series"')[1]
    assert '<td class="num">250</td>' in table and '<td class="num">200</td>' not in table


def test_series_cache_chart_shows_an_old_snapshot_deleted(client, session: Session) -> None:
    letter_id = synthetic_letter(session, "deleted", ["ok", "ok", "ok"])
    assert charted(client, "deleted") == charted(client, "deleted") == [100, 200, 300]
    with session.begin():
        session.execute(delete(Snapshot).where(Snapshot.id == snapshot_at(session, letter_id, 0)))
    assert charted(client, "deleted") == [200, 300]


def test_series_cache_chart_shows_an_editor_confirming_an_older_suspect(
        client, session: Session) -> None:
    """The suspect lies between trusted snapshots: the newest one stays the newest."""
    letter_id = synthetic_letter(session, "relabelled", ["ok", "suspect", "ok"])
    assert charted(client, "relabelled") == charted(client, "relabelled") == [100, 300]
    with session.begin():
        decide_snapshot(session, snapshot_at(session, letter_id, 1), True, user_id=None,
                        now=AT + timedelta(days=1))
    assert charted(client, "relabelled") == [100, 200, 300]


def test_series_cache_chart_shows_a_new_snapshot(client, session: Session) -> None:
    letter_id = synthetic_letter(session, "grown", ["ok", "ok"])
    assert charted(client, "grown") == charted(client, "grown") == [100, 200]
    with session.begin():
        add_snapshot(session, letter_id, 2)
    assert charted(client, "grown") == [100, 200, 300]


def test_series_cache_page_shows_a_list_replacement_marked_later(
        client, session: Session) -> None:
    letter_id = synthetic_letter(session, "replaced", ["ok", "ok"])
    url = "/letters/replaced"
    assert "A different list" not in client.get(url).get_data(as_text=True)
    assert "A different list" not in client.get(url).get_data(as_text=True)
    with session.begin():
        session.execute(update(Snapshot).where(Snapshot.id == snapshot_at(session, letter_id, 1))
                        .values(list_replaced=True))
    body = client.get(url).get_data(as_text=True)
    assert "A different list" in body and "2 names listed</li>" in body


def test_series_cache_outlives_another_letters_snapshot_and_an_unchanged_poll(
        app: Flask, session: Session) -> None:
    """The same cached chart object serves the page after both."""
    letter_id = synthetic_letter(session, "warm", ["ok", "ok"])
    other_id = synthetic_letter(session, "other", ["ok"])

    def view() -> pages.ChartView:
        with app.app_context(), session.begin():
            return pages.chart_view(session, letter_id, None)

    before = view()
    with session.begin():
        add_snapshot(session, other_id, 5)
    at = AT + timedelta(days=2)
    with get_engine(app).begin() as connection:
        pollstate.mark_unchanged(connection, letter_id, at=at, next_due_at=at, etag=None,
                                 last_modified=None)
        assert pollstate.reconfirm_latest(connection, letter_id, at) is not None
    assert view() is before


def test_series_cache_version_reads_no_snapshot_rows(app: Flask, session: Session) -> None:
    """One primary-key read, not a walk over the letter's snapshots."""
    letter_id = synthetic_letter(session, "cheap", ["ok", "ok"])
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    engine = get_engine(app)
    event.listen(engine, "before_cursor_execute", seen)
    try:
        with session.begin():
            assert reads.series_version(session, letter_id) is not None
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert statements and not any("FROM snapshot" in s for s in statements)


def test_series_cache_list_replacements_served_from_cache(app: Flask, session: Session) -> None:
    letter_id = synthetic_letter(session, "served", ["ok", "ok"])
    with session.begin():
        session.execute(update(Snapshot).where(Snapshot.letter_id == letter_id)
                        .values(list_replaced=True))
    with session.begin():
        version = reads.series_version(session, letter_id)
        first = reads.list_replacements(session, letter_id, version=version)
        assert reads.list_replacements(session, letter_id, version=version) is first
    assert [r.listed_count for r in first] == [2, 1]
