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

from models.alerts import (
    AlertSubscription,
    add_events,
    event_row,
    recent_events,
    subscriptions_for,
)
from models.base import iso_utc
from models.bulk import chunks
from models.facets import effective_facet_rows, merged_people
from models.letters import TRUSTED, Letter, Snapshot
from models.queries import newest_snapshot
from models.reads import first_snapshot, headline
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

    def __init__(self, session: Session, letter: Letter, snapshot: Snapshot,
                 lookback: timedelta):
        self.session, self.letter, self.snapshot = session, letter, snapshot
        self.lookback = lookback  # the longest window a rule asks about
        self.count = headline(snapshot)
        self._events: dict[str, list[int]] | None = None
        self._memo: dict[tuple[Any, ...], Any] = {}

    def once(self, key: tuple[Any, ...], compute: Any) -> Any:
        """``compute()`` the first time ``key`` is asked for (subscriptions share facts)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def previous_count(self) -> int | None:
        return self.once(("previous",), lambda: headline(newest_snapshot(
            self.session, self.letter.id,
            as_of=self.snapshot.observed_at - timedelta(microseconds=1))))

    def last_fired(self, subscription_id: int, kind: str, key_prefix: str) -> datetime | None:
        """When the subscription last had a ``kind`` event for the letter with a key starting
        ``key_prefix``, within the lookback (None: not that recently)."""
        since = self.snapshot.observed_at - self.lookback
        recent = self.once(("recent",), lambda: recent_events(self.session, self.letter.id,
                                                              since))
        times = [at for sub_id, event_kind, key, at in recent
                 if sub_id == subscription_id and event_kind == kind
                 and key.startswith(key_prefix)]
        return max(times, default=None)

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
        return self.once(("added", window), lambda: self._added_within(window))

    def _added_within(self, window: timedelta) -> int:
        since = self.snapshot.observed_at - window
        first = first_snapshot(self.session, self.letter.id)
        if first is not None and first.observed_at > since:
            since = first.observed_at  # a first reading's list is not a surge
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
    lookback = max([window, *(timedelta(seconds=sub.surge_window_s or 0)
                              for sub in subscriptions)])
    facts = _Facts(session, session.get_one(Letter, snapshot.letter_id), snapshot, lookback)
    add_events(session, [_row(subscription, facts.letter, alert, snapshot, now)
                         for subscription in subscriptions
                         for alert in snapshot_alerts(facts, subscription, window)])


def after_failure(session: Session, letter: Letter, outcome: str, error: str, *,
                  at: datetime) -> None:
    """Queue a "blocked" alert when a poll is refused in a way only an editor can fix.

    Called before the letter's state records the failure: a streak alerts once."""
    if outcome not in NEEDS_EDITOR_OUTCOMES or letter.last_outcome == outcome:
        return
    alert = Alert("blocked", f"blocked:{iso_utc(at)}", {"outcome": outcome, "error": error[:500]})
    add_events(session, [_row(subscription, letter, alert, None, at, as_of=at)
                         for subscription in subscriptions_for(session, letter.id)
                         if subscription.needs_editor])


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
        fired = facts.last_fired(subscription.id, "milestone", f"milestone:{milestone}:")
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
    fired = facts.last_fired(subscription.id, "surge", "surge:")
    if fired is None or fired <= facts.snapshot.observed_at - window:
        yield Alert("surge", f"surge:{facts.snapshot.id}",
                    {"added": added, "threshold": subscription.surge_count,
                     "window_s": subscription.surge_window_s})


def _notable(facts: _Facts, subscription: AlertSubscription) -> Iterator[Alert]:
    if not (subscription.roster_name or subscription.facet_key):
        return
    for change, kind in (("added", "notable_signer"), ("removed", "notable_signer_removed")):
        ids = facts.changed(change)
        rule = (subscription.roster_name, subscription.facet_key, subscription.facet_value)
        found = facts.once(("notable", change, rule), lambda ids=ids: notable_signers(
            facts.session, ids, subscription) if ids else [])
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
    rows = effective_facet_rows(Signature.id, Signature.person_id, own=mine, of_person=mine,
                                merged=merged_people(session))
    return set(session.scalars(select(rows.c.sid).where(
        func.lower(rows.c.v) == value.strip().lower())))


def _row(subscription: AlertSubscription, letter: Letter, alert: Alert,
         snapshot: Snapshot | None, now: datetime, *,
         as_of: datetime | None = None) -> dict[str, Any]:
    as_of = as_of or (snapshot.observed_at if snapshot else now)
    return event_row(subscription.id, letter_id=letter.id,
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


# --- subscriptions -------------------------------------------------------------------------


class SubscriptionError(ValueError):
    """A subscription that cannot be saved; the message says what to change."""


@dataclass(frozen=True)
class SubscriptionSpec:
    """What an editor asked for, checked (``subscription_spec``) before it is stored."""

    letter_id: int | None
    milestones: tuple[int, ...] = ()
    surge: tuple[int, int] | None = None  # (signers, window seconds)
    roster_name: str | None = None
    facet: tuple[str, str] | None = None
    needs_editor: bool = True


def parse_surge(text: str) -> tuple[int, int]:
    """ "100/1h" as (100, 3600); SubscriptionError when it is not signers/interval."""
    from tracker.intervals import parse_interval

    count, sep, window = text.strip().partition("/")
    if not sep or not count.strip().isdigit() or int(count) < 1:
        raise SubscriptionError(f"{text!r} is not a surge (try 100/1h: 100 signers in an hour)")
    try:
        return int(count), parse_interval(window)
    except ValueError as exc:
        raise SubscriptionError(str(exc)) from None


def parse_facet(text: str) -> tuple[str, str]:
    """ "role=prosecutor" as ("role", "prosecutor")."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip() or not value.strip() or len(key) > 60 or len(value) > 500:
        raise SubscriptionError(f"{text[:80]!r} is not a facet filter (try role=prosecutor)")
    return key.strip(), value.strip()


def add_subscription(session: Session, spec: SubscriptionSpec, url: str, *,
                     allow_private: bool, now: datetime) -> AlertSubscription:
    """Store a checked subscription (the URL must pass the SSRF guard now too)."""
    from tracker.notify import AlertURLError, checked_service

    if not (spec.milestones or spec.surge or spec.roster_name or spec.facet
            or spec.needs_editor):
        raise SubscriptionError("nothing to alert on: give a milestone, a surge, a roster "
                                "or a facet")
    if any(n < 1 for n in spec.milestones):
        raise SubscriptionError("a milestone is a count of at least 1")
    if spec.roster_name and session.scalar(
            select(Roster.id).where(Roster.name == spec.roster_name)) is None:
        raise SubscriptionError(f"no roster named {spec.roster_name[:80]!r} "
                                "(signwatch roster list)")
    try:
        checked_service(url, allow_private=allow_private)
    except AlertURLError as exc:
        raise SubscriptionError(str(exc)) from None
    subscription = AlertSubscription(
        letter_id=spec.letter_id, milestones=sorted(set(spec.milestones)),
        surge_count=spec.surge[0] if spec.surge else None,
        surge_window_s=spec.surge[1] if spec.surge else None, roster_name=spec.roster_name,
        facet_key=spec.facet[0] if spec.facet else None,
        facet_value=spec.facet[1] if spec.facet else None, needs_editor=spec.needs_editor,
        url=url.strip(), created_at=now)
    session.add(subscription)
    session.flush()
    return subscription


def describe(subscription: AlertSubscription) -> str:
    """What a subscription alerts on, in a few words (never its URL)."""
    from tracker.intervals import format_interval

    parts = [f"milestone {n:,}" for n in subscription.milestones or []]
    if subscription.surge_count and subscription.surge_window_s:
        parts.append(f"surge {subscription.surge_count}/"
                     f"{format_interval(subscription.surge_window_s)}")
    if subscription.roster_name:
        parts.append(f"roster {subscription.roster_name}")
    if subscription.facet_key:
        parts.append(f"facet {subscription.facet_key}={subscription.facet_value}")
    if subscription.needs_editor:
        parts.append("suspect/blocked")
    return ", ".join(parts)
