"""The steady-state poll in a handful of Core statements.

Most polls of most letters find the page unchanged (a 304, or the same bytes). Their cost is
what limits how many letters one process can follow, so this path reads and writes plain rows
with statements built once and compiled once per dialect (``models.prepared``): no ORM
objects, no unit of work. The caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    Connection,
    bindparam,
    case,
    exists,
    func,
    insert,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.orm import aliased

from models import history
from models.base import UTCDateTime
from models.letters import Letter, PollLog, Snapshot
from models.prepared import Prepared

_ok = aliased(Snapshot)
_suspect = aliased(Snapshot)
_newest_ok_at = (select(func.max(_ok.observed_at))
                 .where(_ok.letter_id == Letter.id, _ok.status == "ok")
                 .correlate(Letter).scalar_subquery())
_pending_suspect = exists().where(
    _suspect.letter_id == Letter.id, _suspect.status == "suspect",
    or_(_newest_ok_at.is_(None), _suspect.observed_at > _newest_ok_at))

_STATE_COLUMNS = select(
    Letter.id, Letter.slug, Letter.url, Letter.kind, Letter.options, Letter.etag,
    Letter.last_modified, Letter.content_sha256, Letter.poll_interval_s,
    _pending_suspect.label("pending_suspect"),
)
POLL_STATE = _STATE_COLUMNS.where(Letter.id == bindparam("for_letter"))
POLL_STATES = _STATE_COLUMNS.where(Letter.id.in_(bindparam("letters", expanding=True)))

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


class PollState(NamedTuple):
    id: int
    slug: str
    url: str
    kind: str
    options: dict[str, Any]
    etag: str | None
    last_modified: str | None
    content_sha256: str | None
    poll_interval_s: int
    pending_suspect: bool


class Latest(NamedTuple):
    id: int
    reported_count: int | None
    listed_count: int | None


# PostgreSQL: the three writes in one statement (one round trip instead of three). Data-
# modifying CTEs all run, to completion, whether or not the final SELECT reads them.
_marked = MARK_UNCHANGED.returning(Letter.id).cte("marked")
_reconfirmed = RECONFIRM_LATEST.cte("reconfirmed")
_logged = (insert(PollLog).values(
    letter_id=bindparam("for_letter"), started_at=_AT, duration_ms=bindparam("duration_ms"),
    outcome="unchanged", http_status=bindparam("http_status"), error=None, snapshot_id=None)
    .returning(PollLog.id).cte("logged"))
RECORD_UNCHANGED = (
    select(_logged.c.id, _reconfirmed.c.id, _reconfirmed.c.reported_count,
           _reconfirmed.c.listed_count)
    .select_from(_logged.outerjoin(_reconfirmed, true())).add_cte(_marked))

_POLL_STATE = Prepared(POLL_STATE)
_MARK_UNCHANGED = Prepared(MARK_UNCHANGED)
_RECONFIRM_LATEST = Prepared(RECONFIRM_LATEST)
_RECORD_UNCHANGED = Prepared(RECORD_UNCHANGED)


def poll_state(connection: Connection, letter_id: int) -> PollState:
    """The letter's fetch state and whether a suspect snapshot waits; LookupError if gone."""
    rows = _POLL_STATE.rows(connection, {"for_letter": letter_id})
    if not rows:
        raise LookupError(f"no letter with id {letter_id}")
    return PollState(*rows[0])


def poll_states(connection: Connection, letter_ids: Sequence[int]) -> list[PollState]:
    """``poll_state`` of many letters in one query (letters that are gone are left out)."""
    return [PollState(*row) for row in connection.execute(POLL_STATES,
                                                          {"letters": list(letter_ids)})]


def record_unchanged(connection: Connection, letter_id: int, *, at: datetime,
                     next_due_at: datetime, etag: str | None, last_modified: str | None,
                     duration_ms: int, http_status: int | None,
                     poll_log_keep: int) -> Latest | None:
    """A poll that found nothing new: ``mark_unchanged``, ``reconfirm_latest`` and its log entry.

    One statement on PostgreSQL, three elsewhere (SQLite has no data-modifying CTEs)."""
    if connection.dialect.name != "postgresql":
        mark_unchanged(connection, letter_id, at=at, next_due_at=next_due_at, etag=etag,
                       last_modified=last_modified)
        latest = reconfirm_latest(connection, letter_id, at)
        history.write_poll_log(connection, letter_id=letter_id, started_at=at,
                               duration_ms=duration_ms, outcome="unchanged",
                               http_status=http_status, keep=poll_log_keep)
        return latest
    (logged, *snapshot), = _RECORD_UNCHANGED.rows(connection, {
        "for_letter": letter_id, "at": at, "due_at": next_due_at, "new_etag": etag,
        "new_last_modified": last_modified, "duration_ms": duration_ms,
        "http_status": http_status})
    history.prune_poll_log(connection, letter_id, logged, poll_log_keep)
    return None if snapshot[0] is None else Latest(*snapshot)


def mark_unchanged(connection: Connection, letter_id: int, *, at: datetime, next_due_at: datetime,
                   etag: str | None, last_modified: str | None) -> None:
    """A successful poll that found nothing new: clear failures, set the next due time.

    Written first in the poll's transaction: the row lock serialises pollers of one letter."""
    _MARK_UNCHANGED.execute(connection, {
        "for_letter": letter_id, "at": at, "due_at": next_due_at, "new_etag": etag,
        "new_last_modified": last_modified})


def reconfirm_latest(connection: Connection, letter_id: int,
                     at: datetime) -> Latest | None:
    """One more confirmation of the newest ok snapshot: (id, reported, listed) or None."""
    rows = _RECONFIRM_LATEST.rows(connection, {"for_letter": letter_id, "at": at})
    return Latest(*rows[0]) if rows else None

