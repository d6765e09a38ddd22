"""Which alerts a recorded snapshot or a failed poll causes, queued in the outbox (#17 B).

Called inside the transaction that recorded the snapshot (tracker.poll), so an alert exists
exactly when the snapshot that caused it does. Kinds:

- milestone: the trusted count went from below N to N or more. Suspect snapshots never count;
  one confirmed later (by polls or an editor) is judged then. A re-crossing of N fires again
  only once the last alert for N is older than the window (the guard's persistence window),
  so a drop and a recovery inside it say nothing new.
- surge: at least M signers added within the window (the stated count's growth when the
  page lists no names); once per window.
- notable_signer / notable_signer_removed: a signer the snapshot added or removed is on the
  roster (a matched person, or the same name key unless an editor rejected the match) or has
  the facet value.
- suspect / blocked: the letter needs an editor (a held-back change; a bot wall or robots.txt
  refusal, once per streak).

Backfilled history (``Poller.record_archived``) queues nothing: alerts are news.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from models.alerts import AlertSubscription, add_event, last_event_at, subscriptions_for
from models.base import iso_utc
from models.bulk import chunks
from models.facets import effective_facet_rows
from models.letters import TRUSTED, Letter, Snapshot
from models.queries import newest_snapshot
from models.reads import headline
from models.rosters import Roster, RosterEntry, RosterMatch
from models.signers import Facet, Signature, SignatureEvent

DEFAULT_WINDOW = timedelta(hours=24)
NEEDS_EDITOR_OUTCOMES = frozenset({"blocked", "robots_disallowed"})
MATCHED = ("auto", "confirmed")
MAX_NAMES = 200  # signer names carried in one alert


@dataclass(frozen=True)
class Alert:
    kind: str
    key: str
    extra: dict[str, Any]


class _Facts:
    """What the rules read about one snapshot, each read at most once."""

    def __init__(self, session: Session, letter: Letter, snapshot: Snapshot):
        self.session, self.letter, self.snapshot = session, letter, snapshot
        self.count = headline(snapshot)
        self._events: dict[str, list[int]] | None = None

    def previous_count(self) -> int | None:
        before = newest_snapshot(self.session, self.letter.id,
                                 as_of=self.snapshot.observed_at - timedelta(microseconds=1))
        return headline(before)

    def changed(self, kind: str) -> list[int]:
        """Signature ids the snapshot added or removed (``kind``)."""
        if self._events is None:
            rows = self.session.execute(select(SignatureEvent.kind, SignatureEvent.signature_id)
                                        .where(SignatureEvent.snapshot_id == self.snapshot.id))
            self._events = {"added": [], "removed": []}
            for event_kind, signature_id in rows:
                self._events[event_kind].append(signature_id)
        return self._events[kind]

    def added_within(self, window: timedelta) -> int:
        """Signers added in the window ending at this snapshot (count growth without a list)."""
        since = self.snapshot.observed_at - window
        if self.snapshot.listed_count is None:
            before = newest_snapshot(self.session, self.letter.id, as_of=since)
            return (self.count or 0) - (headline(before) or 0)
        return self.session.scalar(select(func.count()).select_from(SignatureEvent).where(
            SignatureEvent.letter_id == self.letter.id, SignatureEvent.kind == "added",
            SignatureEvent.at > since, SignatureEvent.at <= self.snapshot.observed_at)) or 0


def after_snapshot(session: Session, snapshot_id: int, *, now: datetime,
                   window: timedelta = DEFAULT_WINDOW) -> None:
    """Queue the alerts a newly recorded or confirmed snapshot causes (caller's transaction)."""
    snapshot = session.get_one(Snapshot, snapshot_id)
    subscriptions = subscriptions_for(session, snapshot.letter_id)
    if not subscriptions:
        return
    facts = _Facts(session, session.get_one(Letter, snapshot.letter_id), snapshot)
    for subscription in subscriptions:
        for alert in snapshot_alerts(facts, subscription, window):
            _queue(session, subscription, facts.letter, alert, snapshot, now)


def after_failure(session: Session, letter: Letter, outcome: str, error: str, *,
                  at: datetime) -> None:
    """Queue a "blocked" alert when a poll is refused in a way only an editor can fix.

    Called before the letter's state records the failure: a streak alerts once."""
    if outcome not in NEEDS_EDITOR_OUTCOMES or letter.last_outcome == outcome:
        return
    alert = Alert("blocked", f"blocked:{iso_utc(at)}", {"outcome": outcome, "error": error[:500]})
    for subscription in subscriptions_for(session, letter.id):
        if subscription.needs_editor:
            _queue(session, subscription, letter, alert, None, at, as_of=at)


def snapshot_alerts(facts: _Facts, subscription: AlertSubscription,
                    window: timedelta) -> Iterator[Alert]:
    """The alerts ``subscription`` gets for the snapshot of ``facts``."""
    snapshot = facts.snapshot
    if snapshot.status == "suspect" and subscription.needs_editor:
        yield Alert("suspect", f"suspect:{snapshot.id}", {"reason": snapshot.suspect_reason})
    if snapshot.status != TRUSTED:
        return
    yield from _milestones(facts, subscription, window)
    yield from _surge(facts, subscription)
    yield from _notable(facts, subscription)


def _milestones(facts: _Facts, subscription: AlertSubscription,
                window: timedelta) -> Iterator[Alert]:
    if not subscription.milestones or facts.count is None:
        return
    previous = facts.previous_count()
    if previous is None:
        return  # a first reading crosses nothing anyone saw
    at = facts.snapshot.observed_at
    for milestone in sorted(set(subscription.milestones)):
        if not previous < milestone <= facts.count:
            continue
        fired = last_event_at(facts.session, subscription.id, facts.letter.id, "milestone",
                              f"milestone:{milestone}:")
        if fired is None or fired <= at - window:
            yield Alert("milestone", f"milestone:{milestone}:{facts.snapshot.id}",
                        {"milestone": milestone})


def _surge(facts: _Facts, subscription: AlertSubscription) -> Iterator[Alert]:
    if not subscription.surge_count or not subscription.surge_window_s:
        return
    window = timedelta(seconds=subscription.surge_window_s)
    added = facts.added_within(window)
    if added < subscription.surge_count:
        return
    fired = last_event_at(facts.session, subscription.id, facts.letter.id, "surge", "surge:")
    if fired is None or fired <= facts.snapshot.observed_at - window:
        yield Alert("surge", f"surge:{facts.snapshot.id}",
                    {"added": added, "threshold": subscription.surge_count,
                     "window_s": subscription.surge_window_s})


def _notable(facts: _Facts, subscription: AlertSubscription) -> Iterator[Alert]:
    if not (subscription.roster_name or subscription.facet_key):
        return
    for change, kind in (("added", "notable_signer"), ("removed", "notable_signer_removed")):
        ids = facts.changed(change)
        found = notable_signers(facts.session, ids, subscription) if ids else []
        if found:
            yield Alert(kind, f"{kind}:{facts.snapshot.id}", {"signers": found[:MAX_NAMES]})


def notable_signers(session: Session, signature_ids: list[int],
                    subscription: AlertSubscription) -> list[str]:
    """Names, in list order, of the signatures matching the roster or the facet filter."""
    matched: set[int] = set()
    for chunk in chunks(signature_ids):
        if subscription.roster_name:
            matched.update(_on_roster(session, chunk, subscription.roster_name))
        if subscription.facet_key:
            matched.update(_with_facet(session, chunk, subscription.facet_key,
                                       subscription.facet_value or ""))
    if not matched:
        return []
    rows = session.execute(select(Signature.id, Signature.name).where(Signature.id.in_(matched))
                           .order_by(Signature.position, Signature.id))
    return [name for _id, name in rows]


def _on_roster(session: Session, ids: list[int], roster_name: str) -> set[int]:
    entry = select(RosterEntry.id, RosterEntry.name_key).join(Roster).where(
        Roster.name == roster_name).subquery()
    by_person = (select(Signature.id)
                 .join(RosterMatch, RosterMatch.person_id == Signature.person_id)
                 .join(entry, entry.c.id == RosterMatch.roster_entry_id)
                 .where(Signature.id.in_(ids), RosterMatch.status.in_(MATCHED)))
    rejected = exists().where(RosterMatch.roster_entry_id == entry.c.id,
                              RosterMatch.person_id == Signature.person_id,
                              RosterMatch.status == "rejected")
    by_key = (select(Signature.id).join(entry, entry.c.name_key == Signature.name_key)
              .where(Signature.id.in_(ids), ~rejected))
    return set(session.scalars(by_person)) | set(session.scalars(by_key))


def _with_facet(session: Session, ids: list[int], key: str, value: str) -> set[int]:
    mine = [Facet.key == key, Signature.id.in_(ids)]
    rows = effective_facet_rows(Signature.id, Signature.person_id, own=mine, of_person=mine)
    return set(session.scalars(select(rows.c.sid).where(
        func.lower(rows.c.v) == value.strip().lower())))


def _queue(session: Session, subscription: AlertSubscription, letter: Letter, alert: Alert,
           snapshot: Snapshot | None, now: datetime, *, as_of: datetime | None = None) -> None:
    as_of = as_of or (snapshot.observed_at if snapshot else now)
    add_event(session, subscription, letter_id=letter.id,
              snapshot_id=snapshot.id if snapshot else None, kind=alert.kind,
              dedupe_key=alert.key, as_of=as_of,
              payload=payload(letter, alert, snapshot, as_of), now=now)


def payload(letter: Letter, alert: Alert, snapshot: Snapshot | None,
            as_of: datetime) -> dict[str, Any]:
    """The alert as the webhook receives it (the permalink relative until delivery)."""
    stamp = iso_utc(as_of)
    return {"letter": letter.slug, "letter_title": letter.title, "kind": alert.kind,
            "count": headline(snapshot), "as_of": stamp,
            "permalink": f"/letters/{quote(letter.slug, safe='')}?as_of={stamp}",
            "signers": alert.extra.get("signers", []),
            **{k: v for k, v in alert.extra.items() if k != "signers"}}
