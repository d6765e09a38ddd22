"""Alert subscriptions, the outbox of alert events, and the delivery log.

An event row is one alert for one subscription: written in the transaction of the snapshot
that caused it (unique per subscription and ``dedupe_key``, so a repeated write is a no-op),
then claimed by exactly one deliverer (``claim_events``) and sent at most once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from models.base import Base, utcnow
from models.history import insert_ignoring_conflicts
from models.letters import Letter

EVENT_KINDS = ("milestone", "surge", "notable_signer", "notable_signer_removed", "suspect",
               "blocked", "test")
PENDING, SENDING, DELIVERED, FAILED = "pending", "sending", "delivered", "failed"
EVENT_STATUSES = (PENDING, SENDING, DELIVERED, FAILED)


class AlertSubscription(Base):
    """Who wants to be told what about one letter (or every letter, ``letter_id`` NULL)."""

    __tablename__ = "alert_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int | None] = mapped_column(
        ForeignKey("letter.id", ondelete="CASCADE"), index=True)
    milestones: Mapped[list[int]] = mapped_column(JSON, default=list)
    surge_count: Mapped[int | None]
    surge_window_s: Mapped[int | None]
    roster_name: Mapped[str | None] = mapped_column(String(200))
    facet_key: Mapped[str | None] = mapped_column(String(60))
    facet_value: Mapped[str | None] = mapped_column(String(500))
    needs_editor: Mapped[bool] = mapped_column(Boolean, default=True)
    url: Mapped[str] = mapped_column(Text)  # a secret: shown masked only
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    letter: Mapped[Letter | None] = relationship()

    __table_args__ = (
        CheckConstraint("(surge_count IS NULL) = (surge_window_s IS NULL)", name="surge_whole"),
    )


class AlertEvent(Base):
    """The outbox: one alert for one subscription, pending until a deliverer claims it."""

    __tablename__ = "alert_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("alert_subscription.id", ondelete="CASCADE"))
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letter.id", ondelete="CASCADE"))
    snapshot_id: Mapped[int | None] = mapped_column(
        ForeignKey("snapshot.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(30))
    dedupe_key: Mapped[str] = mapped_column(String(200))
    as_of: Mapped[datetime]
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)

    subscription: Mapped[AlertSubscription] = relationship()

    __table_args__ = (
        UniqueConstraint("subscription_id", "dedupe_key"),
        CheckConstraint("status IN ('pending', 'sending', 'delivered', 'failed')",
                        name="status_known"),
        Index("ix_alert_event_status_next", "status", "next_attempt_at"),
        Index("ix_alert_event_letter_as_of", "letter_id", "as_of"),
    )


class AlertDelivery(Base):
    """One attempt to send one event: the delivery log editors read in /admin/alerts."""

    __tablename__ = "alert_delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("alert_event.id", ondelete="CASCADE"),
                                          index=True)
    attempted_at: Mapped[datetime]
    ok: Mapped[bool] = mapped_column(Boolean)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)

    event: Mapped[AlertEvent] = relationship()


def subscriptions_for(session: Session, letter_id: int) -> list[AlertSubscription]:
    """Active subscriptions to this letter or to every letter."""
    query = select(AlertSubscription).where(
        AlertSubscription.active.is_(True),
        (AlertSubscription.letter_id == letter_id) | AlertSubscription.letter_id.is_(None))
    return list(session.scalars(query.order_by(AlertSubscription.id)))


def event_row(subscription_id: int, *, letter_id: int | None, snapshot_id: int | None,
              kind: str, dedupe_key: str, as_of: datetime, payload: dict[str, Any],
              now: datetime) -> dict[str, Any]:
    """One outbox row for ``add_events``: pending, due now."""
    return {"subscription_id": subscription_id, "letter_id": letter_id,
            "snapshot_id": snapshot_id, "kind": kind, "dedupe_key": dedupe_key[:200],
            "as_of": as_of, "payload": payload, "created_at": now, "status": PENDING,
            "attempts": 0, "next_attempt_at": now}


def add_events(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Queue events in the outbox in one statement; a key already queued is a no-op."""
    if rows:
        session.execute(insert_ignoring_conflicts(session, AlertEvent), list(rows))


def recent_events(session: Session, letter_id: int,
                  since: datetime) -> list[tuple[int, str, str, datetime]]:
    """(subscription id, kind, dedupe key, as of) of the letter's events after ``since``: what
    the milestone and surge windows look back on."""
    rows = session.execute(select(AlertEvent.subscription_id, AlertEvent.kind,
                                  AlertEvent.dedupe_key, AlertEvent.as_of)
                           .where(AlertEvent.letter_id == letter_id, AlertEvent.as_of > since))
    return [tuple(row) for row in rows]  # type: ignore[misc]


def claim_events(session: Session, *, token: str, now: datetime,
                 limit: int) -> list[AlertEvent]:
    """Mark up to ``limit`` due pending events as this deliverer's (``token``); return them.

    PostgreSQL: the candidate rows are locked with FOR UPDATE SKIP LOCKED, so concurrent
    deliverers take disjoint rows without waiting. SQLite has one writer at a time, so the
    conditional UPDATE is atomic there as it stands. On both, ``status = 'pending'`` in the
    UPDATE itself keeps a row from being taken twice."""
    due = (select(AlertEvent.id)
           .where(AlertEvent.status == PENDING, AlertEvent.next_attempt_at <= now)
           .order_by(AlertEvent.next_attempt_at, AlertEvent.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    session.execute(update(AlertEvent)
                    .where(AlertEvent.id.in_(due.scalar_subquery()),
                           AlertEvent.status == PENDING)
                    .values(status=SENDING, claim_token=token, claimed_at=now)
                    .execution_options(synchronize_session=False))
    return list(session.scalars(select(AlertEvent).where(AlertEvent.claim_token == token,
                                                         AlertEvent.status == SENDING)
                                .order_by(AlertEvent.id)))


def abandon_stale_claims(session: Session, *, now: datetime, lease: timedelta) -> int:
    """Claims older than ``lease`` belong to a deliverer that stopped mid-send: failed, never
    sent again (it may have gone out; at most once wins over at least once)."""
    result = session.execute(
        update(AlertEvent).where(AlertEvent.status == SENDING,
                                 AlertEvent.claimed_at < now - lease)
        .values(status=FAILED, last_error="the deliverer stopped while sending; not resent")
        .execution_options(synchronize_session=False))
    return result.rowcount or 0


def release_claims(session: Session, *, token: str, event_ids: Sequence[int]) -> None:
    """Give claimed events that were never tried back to the outbox."""
    if event_ids:
        session.execute(update(AlertEvent)
                        .where(AlertEvent.id.in_(event_ids), AlertEvent.claim_token == token,
                               AlertEvent.status == SENDING)
                        .values(status=PENDING, claim_token=None, claimed_at=None)
                        .execution_options(synchronize_session=False))


def record_attempt(session: Session, event: AlertEvent, *, ok: bool, error: str | None,
                   at: datetime, duration_ms: int, retry_at: datetime | None) -> None:
    """Log one attempt; the event is delivered, waits for ``retry_at``, or has failed."""
    event.attempts += 1
    event.claim_token = None
    if ok:
        event.status, event.delivered_at, event.last_error = DELIVERED, at, None
    else:
        event.status = PENDING if retry_at is not None else FAILED
        event.last_error = (error or "")[:4000]
        event.next_attempt_at = retry_at or event.next_attempt_at
    session.add(AlertDelivery(event_id=event.id, attempted_at=at, ok=ok,
                              error=error[:4000] if error else None, duration_ms=duration_ms))


def recent_deliveries(session: Session, limit: int = 200) -> Sequence[AlertDelivery]:
    """The newest delivery attempts, with their events."""
    return list(session.scalars(select(AlertDelivery)
                                .order_by(AlertDelivery.attempted_at.desc(),
                                          AlertDelivery.id.desc()).limit(limit)))


def letter_alerts(session: Session, letter_id: int, limit: int = 50) -> list[AlertEvent]:
    """The letter's alerts, newest first, one per event (several subscriptions share one)."""
    rows = session.scalars(select(AlertEvent).where(AlertEvent.letter_id == letter_id,
                                                    AlertEvent.kind != "test")
                           .order_by(AlertEvent.as_of.desc(), AlertEvent.id).limit(limit * 5))
    seen: dict[str, AlertEvent] = {}
    for row in rows:
        seen.setdefault(row.dedupe_key, row)
    return list(seen.values())[:limit]
