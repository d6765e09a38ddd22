"""Backfill: run saved copies of a page (Wayback captures, saved files) through the pipeline
at their own times, oldest first, so a letter starts with its history.

A letter tracked already gets the past it missed by a rebuild (``rebuild_history``): the
saved copies and every snapshot it holds (replayed from its archived pages) are recorded
again oldest first, in one transaction, as if it had been tracked from the first copy.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, delete, event, func, select, update
from sqlalchemy.orm import Session

from models import history
from models.alerts import AlertEvent
from models.bulk import chunks
from models.letters import TRUSTED, Letter, PollLog, Snapshot, SnapshotPage
from models.signers import AuditLog, Signature, SignatureEvent
from scrapers.detect import parse_page
from scrapers.scrape import parsed_or_empty
from tracker.poll import Page, PageCopy, Poller, PollResult, confirm_suspect, parse_archived

CONTENT_TYPES = {".html": "text/html", ".htm": "text/html", ".md": "text/markdown",
                 ".markdown": "text/markdown", ".txt": "text/plain", ".csv": "text/csv",
                 ".json": "application/json", ".yml": "application/yaml",
                 ".yaml": "application/yaml"}
_STAMP = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})[T_-]?(\d{2}):?(\d{2}):?(\d{2})?")


@dataclass(frozen=True)
class Capture:
    """One saved copy of the page and the moment it shows."""

    path: Path
    at: datetime


def parse_time(text: str) -> datetime:
    """An ISO 8601 time (or a Wayback 14-digit stamp); naive means UTC."""
    text = text.strip()
    if re.fullmatch(r"\d{14}", text):
        return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO 8601 time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def capture_from_arg(arg: str) -> Capture:
    """``FILE@TIME`` -> Capture; ValueError with a readable message otherwise."""
    path, sep, when = arg.rpartition("@")
    if not sep or not path:
        raise ValueError(f"{arg!r}: expected FILE@ISO-TIME")
    file = Path(path)
    if not file.is_file():
        raise ValueError(f"{path}: no such file")
    return Capture(file, parse_time(when))


def captures_in_directory(directory: Path) -> list[Capture]:
    """Every file in ``directory`` whose name carries a time (20190323T170209, 2021-03-24...)."""
    captures, missing = [], []
    for file in sorted(p for p in directory.iterdir() if p.is_file()):
        match = _STAMP.search(file.name)
        if match is None:
            missing.append(file.name)
            continue
        year, month, day, hour, minute, second = (int(g or 0) for g in match.groups())
        captures.append(Capture(file, datetime(year, month, day, hour, minute, second,
                                               tzinfo=UTC)))
    if missing:
        raise ValueError(f"no time in the name of: {', '.join(missing[:5])} "
                         "(name files like page-20200217T1405.html, or pass FILE@TIME)")
    return captures


def page_from_file(path: Path, url: str, kind: str, options: Mapping[str, Any]) -> Page:
    """Parse a saved copy as if fetched from ``url``; a copy showing nothing stays evidence."""
    body = path.read_bytes()
    content_type = CONTENT_TYPES.get(path.suffix.lower())
    result, empty_reason = parsed_or_empty(
        lambda: parse_page(body, url, content_type, kind, options), kind)
    return Page(body=body, url=url, content_type=content_type,
                sha256=hashlib.sha256(body).hexdigest(), result=result,
                empty_reason=empty_reason)


def backfill(poller: Poller, letter_id: int, url: str, kind: str, options: Mapping[str, Any],
             captures: Iterable[Capture]) -> list[tuple[Capture, PollResult]]:
    """Record each capture at its time, oldest first."""
    done = []
    for capture in sorted(captures, key=lambda c: c.at):
        page = page_from_file(capture.path, url, kind, options)
        done.append((capture, poller.record_archived(letter_id, page, observed_at=capture.at)))
    return done


# ---------------------------------------------------------------- the past of a tracked letter

# While a history is rebuilt, every signature of the letter counts as removed (so the replay
# finds it again, keeping its id, person and facets) at this time; none keeps it at the end.
_UNSEEN = datetime(1970, 1, 1, tzinfo=UTC)
_DECISIONS = {"snapshot.confirm": TRUSTED, "snapshot.reject": "rejected"}


@dataclass(frozen=True)
class Held:
    """What a snapshot the letter holds keeps through a rebuild besides its page."""

    snapshot_id: int
    last_confirmed_at: datetime
    confirmations: int
    decision: str | None  # an editor's: "ok" (confirmed) or "rejected"


@dataclass(frozen=True)
class Reading:
    """One moment of a letter's history: the page as seen then (and the snapshot it was)."""

    at: datetime
    page: Page
    held: Held | None = None


@dataclass(frozen=True)
class Rebuilt:
    """A rebuilt history: what each new page became, and the snapshots there are now."""

    results: dict[datetime, PollResult]
    snapshots: int


def covered(at: datetime, spans: Sequence[tuple[datetime, datetime]]) -> bool:
    """A moment some snapshot was read or confirmed across: a copy from then adds nothing."""
    return any(start <= at <= end for start, end in spans)


def read_spans(session: Session, letter_id: int) -> list[tuple[datetime, datetime]]:
    """(observed_at, last_confirmed_at) of each of the letter's snapshots, oldest first."""
    return [(start, end) for start, end in session.execute(
        select(Snapshot.observed_at, Snapshot.last_confirmed_at)
        .where(Snapshot.letter_id == letter_id).order_by(Snapshot.observed_at))]


def rebuild_history(poller: Poller, letter_id: int,
                    pages: Sequence[tuple[datetime, Page]]) -> Rebuilt:
    """Record ``pages`` and every snapshot the letter holds again, oldest first, in one
    transaction: first-seen times, removals, events and counts as if tracked from the first.

    A snapshot keeps its id where one of the same moment results (references to the others
    move to the snapshot covering their moment); signatures keep theirs, and so their people
    and facets; editors' confirmations and rejections are decided again. Any failure leaves
    the old history as it was."""
    with poller.writing() as session:
        letter = session.scalars(select(Letter).where(Letter.id == letter_id)
                                 .with_for_update()).one()
        held = held_readings(session, letter)
        references = _references(session, letter_id)
        removed = dict(session.execute(select(Signature.id, Signature.removed_at)
                                       .where(Signature.letter_id == letter_id)).all())
        floor = session.scalar(select(func.max(Snapshot.id))) or 0
        _clear_history(session, letter_id)
        with _reusing_ids(session, {r.at: r.held.snapshot_id for r in held if r.held}, floor):
            results = {r.at: _replay(poller, session, letter, r)
                       for r in in_time_order(held, pages)}
        _first_seen_from_events(session, letter_id, removed)
        _repoint(session, letter_id, references)
        count = session.scalar(select(func.count()).select_from(Snapshot)
                               .where(Snapshot.letter_id == letter_id))
    return Rebuilt({at: results[at] for at, _page in pages if at in results}, count or 0)


def held_readings(session: Session, letter: Letter) -> list[Reading]:
    """Every snapshot of the letter as a reading to record again; ValueError if one has
    no archived page (it could not be replayed, and a rebuild never drops a snapshot)."""
    snapshots = list(session.scalars(select(Snapshot).where(Snapshot.letter_id == letter.id)
                                     .order_by(Snapshot.observed_at)))
    decisions = _decisions(session, [s.id for s in snapshots])
    readings = []
    for snapshot in snapshots:
        if snapshot.archive_sha256 is None:
            raise ValueError(f"snapshot #{snapshot.id} has no archived page: the history of "
                             f"{letter.slug} cannot be rebuilt")
        readings.append(Reading(snapshot.observed_at, replayed_page(snapshot, letter), Held(
            snapshot.id, snapshot.last_confirmed_at, snapshot.confirmations,
            decisions.get(snapshot.id))))
    return readings


def replayed_page(snapshot: Snapshot, letter: Letter) -> Page:
    """The snapshot's archived pages as a page to record again, with their provenance."""
    archive = snapshot.archive
    assert archive is not None
    result, empty_reason = parsed_or_empty(lambda: parse_archived(snapshot, letter), letter.kind)
    if snapshot.partial:  # its incomplete list was not applied, and is not now
        result = replace(result, signers=(), has_list=False)
    more = tuple(PageCopy(m.url, history.archived_body(m.archive), m.archive.content_type,
                          m.archive_sha256, capture_url=m.capture_url)
                 for m in snapshot.more_pages)
    return Page(body=history.archived_body(archive), url=snapshot.source_url or letter.url,
                content_type=archive.content_type, sha256=archive.sha256, result=result,
                empty_reason=empty_reason, more=more, capture_url=snapshot.capture_url,
                partial=snapshot.partial)


def in_time_order(held: Sequence[Reading], pages: Sequence[tuple[datetime, Page]]
                  ) -> list[Reading]:
    """Held and new readings, oldest first; a new page of a moment held already is that one."""
    moments = {reading.at for reading in held}
    new = [Reading(at, page) for at, page in pages if at not in moments]
    return sorted([*held, *new], key=lambda reading: reading.at)


def _decisions(session: Session, snapshot_ids: list[int]) -> dict[int, str]:
    """An editor's last confirmation or rejection of each snapshot, from the audit log."""
    found: dict[int, str] = {}
    for chunk in chunks(snapshot_ids):
        for target_id, action in session.execute(
                select(AuditLog.target_id, AuditLog.action)
                .where(AuditLog.target_type == "snapshot", AuditLog.target_id.in_(chunk),
                       AuditLog.action.in_(list(_DECISIONS))).order_by(AuditLog.at, AuditLog.id)):
            found[target_id] = _DECISIONS[action]
    return found


def _references(session: Session, letter_id: int) -> list[tuple[type, int, datetime]]:
    """(model, row id, moment) of each poll-log entry and alert pointing at a snapshot."""
    found = []
    for model in (PollLog, AlertEvent):
        found += [(model, row_id, at) for row_id, at in session.execute(
            select(model.id, Snapshot.observed_at).join(Snapshot, Snapshot.id == model.snapshot_id)
            .where(Snapshot.letter_id == letter_id))]
    return found


def _clear_history(session: Session, letter_id: int) -> None:
    """Drop the letter's snapshots and events; its signatures stay, each as not yet seen."""
    ids = select(Snapshot.id).where(Snapshot.letter_id == letter_id).scalar_subquery()
    for model in (PollLog, AlertEvent):
        session.execute(update(model).where(model.snapshot_id.in_(ids))
                        .values(snapshot_id=None), execution_options={"synchronize_session": False})
    session.execute(delete(SignatureEvent).where(SignatureEvent.letter_id == letter_id),
                    execution_options={"synchronize_session": False})
    session.execute(update(Signature).where(Signature.letter_id == letter_id)
                    .values(removed_at=_UNSEEN, first_snapshot_id=None),
                    execution_options={"synchronize_session": False})
    session.execute(delete(SnapshotPage).where(SnapshotPage.snapshot_id.in_(ids)),
                    execution_options={"synchronize_session": False})
    session.execute(delete(Snapshot).where(Snapshot.letter_id == letter_id),
                    execution_options={"synchronize_session": False})
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Snapshot | SnapshotPage | Signature | SignatureEvent):
            session.expunge(obj)


@contextlib.contextmanager
def _reusing_ids(session: Session, reuse: dict[datetime, int], floor: int) -> Iterator[None]:
    """New snapshots of a moment held before take its old id; others an id above them all."""
    fresh = iter(range(floor + 1, 2**62))
    sqlite = session.get_bind().dialect.name == "sqlite"

    def assign(flushing: Session, _context: Any, _instances: Any) -> None:
        for obj in flushing.new:
            if isinstance(obj, Snapshot) and obj.id is None:
                old = reuse.pop(obj.observed_at, None)
                # SQLite numbers a row max(id) + 1, which could be an old id still to come.
                obj.id = old if old is not None else (next(fresh) if sqlite else None)

    event.listen(session, "before_flush", assign)
    try:
        yield
    finally:
        event.remove(session, "before_flush", assign)


def _replay(poller: Poller, session: Session, letter: Letter, reading: Reading) -> PollResult:
    result = poller.record_archived_in(session, letter, reading.page, observed_at=reading.at)
    if reading.held is not None and result.snapshot_id is not None:
        _keep_what_was_held(poller, session, session.get_one(Snapshot, result.snapshot_id),
                            reading)
    return result


def _keep_what_was_held(poller: Poller, session: Session, snapshot: Snapshot,
                        reading: Reading) -> None:
    """The snapshot a held reading became keeps its confirmations and its editor's word."""
    held = reading.held
    assert held is not None
    if snapshot.observed_at != reading.at:  # it confirmed an earlier one: with all its polls
        snapshot.confirmations += held.confirmations - 1
        snapshot.last_confirmed_at = max(snapshot.last_confirmed_at, held.last_confirmed_at)
        return
    snapshot.confirmations = max(snapshot.confirmations, held.confirmations)
    snapshot.last_confirmed_at = max(snapshot.last_confirmed_at, held.last_confirmed_at)
    if snapshot.status == "suspect" and held.decision == "rejected":
        snapshot.status = "rejected"
    elif snapshot.status == "suspect" and held.decision == TRUSTED:
        snapshot.status = TRUSTED
        confirm_suspect(session, snapshot, poller.settings.rules, alert=False)


def _first_seen_from_events(session: Session, letter_id: int,
                            removed: dict[int, datetime | None]) -> None:
    """Each signature first seen at its first 'added' event; one the rebuilt history never
    showed (the guard now holds its list back) keeps its old removal."""
    first: dict[int, tuple[datetime, int]] = {}
    for signature_id, at, snapshot_id in session.execute(
            select(SignatureEvent.signature_id, SignatureEvent.at, SignatureEvent.snapshot_id)
            .where(SignatureEvent.letter_id == letter_id, SignatureEvent.kind == "added")
            .order_by(SignatureEvent.at.desc())):
        first[signature_id] = (at, snapshot_id)
    table = Signature.__table__
    seen = [{"sid": sid, "at": at, "snap": snap} for sid, (at, snap) in first.items()]
    if seen:
        session.connection().execute(
            update(table).where(table.c.id == bindparam("sid"))
            .values(first_seen_at=bindparam("at"), first_snapshot_id=bindparam("snap")), seen)
    unseen = [{"sid": sid, "gone": gone} for sid, gone in removed.items() if sid not in first]
    if unseen:
        session.connection().execute(
            update(table).where(table.c.id == bindparam("sid"))
            .values(removed_at=bindparam("gone")), unseen)


def _repoint(session: Session, letter_id: int,
             references: list[tuple[type, int, datetime]]) -> None:
    """Each poll-log entry and alert points at the snapshot covering its moment now."""
    snapshots = session.execute(select(Snapshot.observed_at, Snapshot.id)
                                .where(Snapshot.letter_id == letter_id)
                                .order_by(Snapshot.observed_at)).all()
    if not snapshots:
        return
    moments = [at for at, _id in snapshots]
    for model, row_id, at in references:
        index = max(bisect.bisect_right(moments, at) - 1, 0)
        session.execute(update(model).where(model.id == row_id)
                        .values(snapshot_id=snapshots[index][1]),
                        execution_options={"synchronize_session": False})
