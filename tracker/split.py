"""Split a letter whose page now holds a different list: that list becomes a letter of its own.

The new letter takes the old one's URL, kind and options, and its history starts at the
snapshot that showed the other list: that snapshot and every later one are replayed from the
archive at their own times. The old letter is paused; its history is left as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.editing import EditError, audit, live_letter, set_letter_active
from models.letters import Letter, Snapshot
from models.queries import created_letter, slugify, unique_slug
from models.signers import AuditLog
from tracker.backfill import replayed_page
from tracker.poll import Page, Poller


@dataclass(frozen=True)
class Replay:
    """One old snapshot to record again on the new letter."""

    observed_at: datetime
    last_confirmed_at: datetime
    confirmations: int
    page: Page


@dataclass(frozen=True)
class SplitOutcome:
    """What a split made: the new letter and how many snapshots it took over."""

    old_slug: str
    new_id: int
    new_slug: str
    replayed: int

    def line(self) -> str:
        """One line for the editor."""
        return (f"{self.old_slug} is paused; the list it showed since the split is now "
                f"{self.new_slug} ({self.replayed} snapshots).")


def split_letter(poller: Poller, snapshot_id: int, *, user_id: int | None,
                 now: datetime) -> SplitOutcome:
    """Make the list shown from ``snapshot_id`` on a new letter; EditError when it cannot be."""
    with poller.sessions() as session, session.begin():
        snapshot = _replaced_snapshot(session, snapshot_id)
        old = live_letter(session, snapshot.letter_id)
        _refuse_a_second_split(session, old, snapshot_id)
        replays = _replays(session, old, snapshot.observed_at)
        new = _letter_like(session, old, now)
        set_letter_active(session, old, False, user_id=user_id, now=now)
        audit(session, user_id=user_id, action="letter.split", target=old, now=now,
              old={"snapshot_id": snapshot_id}, new={"letter_id": new.id, "slug": new.slug})
        outcome = SplitOutcome(old.slug, new.id, new.slug, len(replays))
    for replay in replays:
        result = poller.record_archived(outcome.new_id, replay.page,
                                        observed_at=replay.observed_at)
        _keep_confirmations(poller, result.snapshot_id, replay)
    return outcome


def _replaced_snapshot(session: Session, snapshot_id: int) -> Snapshot:
    snapshot = session.get(Snapshot, snapshot_id)
    if snapshot is None:
        raise EditError(f"no snapshot #{snapshot_id}")
    if not snapshot.list_replaced or not snapshot.trusted:
        raise EditError(f"snapshot #{snapshot_id} does not show a different list: "
                        "only a trusted snapshot marked as a replaced list can start a new letter")
    return snapshot


def _refuse_a_second_split(session: Session, letter: Letter, snapshot_id: int) -> None:
    splits = session.scalars(select(AuditLog).where(
        AuditLog.action == "letter.split", AuditLog.target_type == "letter",
        AuditLog.target_id == letter.id))
    for split in splits:
        if (split.old_value or {}).get("snapshot_id") == snapshot_id:
            raise EditError(f"snapshot #{snapshot_id} was split off already, "
                            f"as {(split.new_value or {}).get('slug')}")


def _letter_like(session: Session, old: Letter, now: datetime) -> Letter:
    """A new active letter with the old one's page, kind, options and fetch state."""
    return created_letter(
        session, now=now, slug=unique_slug(session, slugify(f"{old.slug} {now:%Y-%m-%d}")),
        title=old.url, url=old.url, kind=old.kind, options=dict(old.options or {}),
        organizer=old.organizer, poll_interval_s=old.poll_interval_s, etag=old.etag,
        last_modified=old.last_modified, content_sha256=old.content_sha256)


def _replays(session: Session, letter: Letter, since: datetime) -> list[Replay]:
    """The letter's snapshots from ``since`` on, not rejected, as pages to record again."""
    snapshots = session.scalars(
        select(Snapshot).where(Snapshot.letter_id == letter.id, Snapshot.observed_at >= since,
                               Snapshot.status != "rejected", Snapshot.archive_sha256.is_not(None))
        .order_by(Snapshot.observed_at))
    return [Replay(s.observed_at, s.last_confirmed_at, s.confirmations, replayed_page(s, letter))
            for s in snapshots]


def _keep_confirmations(poller: Poller, snapshot_id: int | None, replay: Replay) -> None:
    """The new snapshot was confirmed as often, and as late, as the one it replays."""
    if snapshot_id is None:
        return
    with poller.sessions() as session, session.begin():
        snapshot = session.get(Snapshot, snapshot_id)
        if snapshot is not None and snapshot.observed_at == replay.observed_at:
            snapshot.last_confirmed_at = max(snapshot.last_confirmed_at, replay.last_confirmed_at)
            snapshot.confirmations = max(snapshot.confirmations, replay.confirmations)
