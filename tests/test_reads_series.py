"""reads.count_series reads Core rows (SQLite: the stored text parsed directly)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Letter, Snapshot, reads

AT = datetime(2020, 2, 17, 14, 5, 9, 250001, tzinfo=UTC)


def test_reads_count_series_gives_the_orm_values_as_aware_utc(app: Flask,
                                                             session: Session) -> None:
    with session.begin():
        letter = Letter(slug="series", title="Series", url="https://example.org/s",
                        kind="html", options={})
        session.add(letter)
        session.flush()
        for i, status in enumerate(["ok", "suspect", "ok", "ok"]):
            at = AT + timedelta(hours=i, microseconds=-i)
            session.add(Snapshot(letter_id=letter.id, observed_at=at, last_confirmed_at=at,
                                 reported_count=10 * i if i != 2 else None,
                                 listed_count=i, status=status))
        letter_id = letter.id
    with session.begin():
        series = reads.count_series(session, letter_id)
        as_of = reads.count_series(session, letter_id, AT + timedelta(hours=2))
        expected = [(s.observed_at, s.reported_count, s.listed_count) for s in session.scalars(
            select(Snapshot).where(Snapshot.letter_id == letter_id, Snapshot.status == "ok")
            .order_by(Snapshot.observed_at))]
    assert series == expected and len(series) == 3
    assert all(at.tzinfo is not None and at.utcoffset() == timedelta(0) for at, _, _ in series)
    assert series[0][0] == AT and series[1] == (AT + timedelta(hours=2, microseconds=-2),
                                                None, 2)
    assert as_of == expected[:2]
