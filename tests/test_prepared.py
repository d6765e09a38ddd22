"""models.prepared: a statement run as driver SQL writes and reads what Core would."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, bindparam, insert, select, text
from sqlalchemy.orm import Session

from models import Letter, PollLog, history, queries
from models.db import get_engine
from models.prepared import Prepared

AT = datetime(2020, 2, 17, 19, 5, 9, 250001, tzinfo=UTC)


def _letter(session: Session) -> int:
    with session.begin():
        return queries.add_letter(session, url="https://example.org/l", title="L",
                                  kind="auto", poll_interval_s=900, now=AT).id


def _stored_times(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return [str(at) for at in connection.execute(
            text("SELECT started_at FROM poll_log ORDER BY id")).scalars()]


def test_prepared_insert_stores_what_core_stores(app, session: Session) -> None:
    letter_id = _letter(session)
    engine = get_engine(app)
    with engine.begin() as connection:
        connection.execute(insert(PollLog), {"letter_id": letter_id, "started_at": AT,
                                             "duration_ms": 1, "outcome": "unchanged"})
        history.write_poll_log(connection, letter_id=letter_id, started_at=AT,
                               duration_ms=1, outcome="unchanged")
    first, second = _stored_times(engine)
    assert first == second
    with session.begin():
        read = session.scalars(select(PollLog.started_at).order_by(PollLog.id)).all()
    assert read == [AT, AT]


def test_prepared_rows_apply_result_types(app, session: Session) -> None:
    letter_id = _letter(session)
    statement = Prepared(select(Letter.options, Letter.created_at, Letter.active)
                         .where(Letter.id == bindparam("for_letter")))
    with get_engine(app).connect() as connection:
        ours = statement.rows(connection, {"for_letter": letter_id})
        core = connection.execute(statement.statement, {"for_letter": letter_id}).all()
    assert ours == [tuple(core[0])]
    options, created_at, active = ours[0]
    assert isinstance(options, dict) and created_at == AT and active is True


def test_prepared_literals_and_repeated_parameters(app, session: Session) -> None:
    letter_id = _letter(session)
    statement = Prepared(select(Letter.id).where(
        Letter.id == bindparam("for_letter"), Letter.kind == "auto",
        Letter.created_at <= bindparam("at", type_=Letter.created_at.type),
        Letter.created_at >= bindparam("at", type_=Letter.created_at.type)))
    with get_engine(app).connect() as connection:
        assert statement.rows(connection, {"for_letter": letter_id, "at": AT}) == [(letter_id,)]
        assert statement.rows(connection, {"for_letter": letter_id + 1, "at": AT}) == []
