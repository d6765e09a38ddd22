"""The steady-state poll in a handful of Core statements.

Most polls of most letters find the page unchanged (a 304, or the same bytes). Their cost is
what limits how many letters one process can follow, so this path reads and writes plain rows
with statements built once: no ORM objects, no unit of work. The caller owns the transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, case, exists, func, or_, select, update
from sqlalchemy.orm import aliased

from models.base import UTCDateTime
from models.letters import Letter, Snapshot

_ok = aliased(Snapshot)
_suspect = aliased(Snapshot)
_newest_ok_at = (select(func.max(_ok.observed_at))
                 .where(_ok.letter_id == Letter.id, _ok.status == "ok")
                 .correlate(Letter).scalar_subquery())
_pending_suspect = exists().where(
    _suspect.letter_id == Letter.id, _suspect.status == "suspect",
    or_(_newest_ok_at.is_(None), _suspect.observed_at > _newest_ok_at))

POLL_STATE = select(
    Letter.id, Letter.slug, Letter.url, Letter.kind, Letter.options, Letter.etag,
    Letter.last_modified, Letter.content_sha256, Letter.poll_interval_s,
    _pending_suspect.label("pending_suspect"),
).where(Letter.id == bindparam("for_letter"))

_AT = bindparam("at", type_=UTCDateTime())


def _not_before(column: Any) -> Any:
    """``column`` moved forward to :at, never back (a slow poll may finish late)."""
    return case((or_(column.is_(None), column < _AT), _AT), else_=column)


_latest_ok_id = (select(Snapshot.id)
                 .where(Snapshot.letter_id == bindparam("for_letter"), Snapshot.status == "ok")
                 .order_by(Snapshot.observed_at.desc()).limit(1).scalar_subquery())

RECONFIRM_LATEST = (
    update(Snapshot).where(Snapshot.id == _latest_ok_id)
    .values(last_confirmed_at=_not_before(Snapshot.last_confirmed_at),
            confirmations=Snapshot.confirmations + 1)
    .returning(Snapshot.id, Snapshot.reported_count, Snapshot.listed_count)
)

MARK_UNCHANGED = (
    update(Letter).where(Letter.id == bindparam("for_letter"))
    .values(consecutive_failures=0, last_error=None, last_outcome="ok",
            last_polled_at=_not_before(Letter.last_polled_at),
            next_due_at=bindparam("due_at", type_=UTCDateTime()),
            etag=func.coalesce(bindparam("new_etag", type_=Letter.etag.type), Letter.etag),
            last_modified=func.coalesce(bindparam("new_last_modified",
                                                  type_=Letter.last_modified.type),
                                        Letter.last_modified))
)


def poll_state(connection: Connection, letter_id: int) -> Row[Any]:
    """The letter's fetch state and whether a suspect snapshot waits; NoResultFound if gone."""
    return connection.execute(POLL_STATE, {"for_letter": letter_id}).one()


def mark_unchanged(connection: Connection, letter_id: int, *, at: datetime, next_due_at: datetime,
                   etag: str | None, last_modified: str | None) -> None:
    """A successful poll that found nothing new: clear failures, set the next due time.

    Written first in the poll's transaction: the row lock serialises pollers of one letter."""
    connection.execute(MARK_UNCHANGED, {
        "for_letter": letter_id, "at": at, "due_at": next_due_at, "new_etag": etag,
        "new_last_modified": last_modified})


def reconfirm_latest(connection: Connection, letter_id: int,
                     at: datetime) -> Row[Any] | None:
    """One more confirmation of the newest ok snapshot: (id, reported, listed) or None."""
    return connection.execute(
        RECONFIRM_LATEST, {"for_letter": letter_id, "at": at}).one_or_none()

