"""models.bulk writes what the ORM would: times, JSON and NULLs read back equal."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from models import Letter, Signature
from models.bulk import insert_rows


def test_insert_rows_round_trips_like_the_orm(session, fixed_now) -> None:
    with session.begin():
        letter = Letter(slug="l", title="t", url="https://example.org/", created_at=fixed_now)
        session.add(letter)
        session.flush()
        later = datetime(2020, 2, 18, 1, 2, 3, 456789, tzinfo=UTC)
        rows = [{"letter_id": letter.id, "name_key": f"k{n}", "occurrence": 1, "name": "N",
                 "raw": "N, Title", "extra": {"campus": "UC Davis"} if n else None,
                 "position": n, "first_seen_at": fixed_now, "last_seen_at": later,
                 "removed_at": None} for n in range(3)]
        assert insert_rows(session, Signature.__table__, rows) == 3
    stored = session.scalars(select(Signature).order_by(Signature.position)).all()
    assert [s.extra for s in stored] == [None, {"campus": "UC Davis"}, {"campus": "UC Davis"}]
    assert {s.first_seen_at for s in stored} == {fixed_now}
    assert {s.last_seen_at for s in stored} == {later}
    assert session.scalars(select(Signature.id).where(
        Signature.first_seen_at == fixed_now)).all() == [s.id for s in stored]
