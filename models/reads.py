"""Every read the pages, the JSON API and the exports need.

Helpers take the session first, never commit and query through the indexes declared on the
models (snapshot by letter/status/time, signature by letter/position, events by letter/time,
facets by subject/key). "As of" reads see only what had been observed by that time.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Select,
    String,
    and_,
    bindparam,
    case,
    func,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from models import generation
from models.bulk import chunks
from models.cache import cached
from models.composition import letter_composition
from models.facets import effective_facet_rows, facet_arms, merged_people
from models.letters import Letter, PollLog, Snapshot
from models.queries import (  # noqa: F401 (re-exported)
    letter_archive,
    letter_by_slug,
    newest_first,
    newest_snapshot,
    page_archives,
    snapshots_of,
    tracked_letters,
)
from models.signers import Facet, Person, Signature, SignatureEvent

COMPOSITION_KEYS = ("role_category", "administration", "party", "media_affiliation")
SPARKLINE_POINTS = 40
SIGNER_SORTS = {
    "position": (Signature.position, Signature.id),
    "name": (Signature.name, Signature.id),
    "first_seen": (Signature.first_seen_at, Signature.position),
}


# ---------------------------------------------------------------- letters and snapshots

def headline(snapshot: Snapshot | None) -> int | None:
    """The count a reader quotes: the page's own number, else the names listed."""
    if snapshot is None:
        return None
    return snapshot.reported_count if snapshot.reported_count is not None else (
        snapshot.listed_count)


def first_snapshot(session: Session, letter_id: int) -> Snapshot | None:
    """The oldest ok snapshot."""
    return session.scalar(snapshots_of(letter_id).order_by(Snapshot.observed_at).limit(1))


def count_change(session: Session, letter_id: int, now: datetime,
                 window: timedelta = timedelta(hours=24)) -> int | None:
    """How much the headline count grew over ``window`` (since first seen if younger)."""
    current = headline(newest_snapshot(session, letter_id, as_of=now))
    before = newest_snapshot(session, letter_id, as_of=now - window) or first_snapshot(
        session, letter_id)
    if current is None or headline(before) is None:
        return None
    return current - headline(before)


SeriesPoint = tuple[datetime, int | None, int | None]


def count_series(session: Session, letter_id: int,
                 as_of: datetime | None = None) -> list[SeriesPoint]:
    """(observed_at, reported_count, listed_count) of every ok snapshot, oldest first.

    Core rows (no ORM loading); on SQLite the stored naive UTC text is parsed here, one C
    call per row instead of two type processors: a 100,000-point series in ~1/3 the time."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    observed = type_coerce(Snapshot.observed_at, String) if sqlite else Snapshot.observed_at
    stmt = snapshots_of(letter_id, as_of=as_of).with_only_columns(
        observed, Snapshot.reported_count, Snapshot.listed_count)
    rows = session.connection().execute(stmt.order_by(Snapshot.observed_at))
    if not sqlite:
        return [tuple(row) for row in rows]
    return [(datetime.fromisoformat(f"{at}+00:00"), reported, listed)
            for at, reported, listed in rows]


def series_version(session: Session, letter_id: int) -> Hashable | None:
    """Changes whenever the letter's snapshots do, their confirmations aside
    (``generation.series_current``, one primary-key read); None: cannot tell.

    So a poll that finds the page unchanged keeps what is cached from the series."""
    return generation.series_current(session, letter_id)


def sparkline_counts(session: Session, letter_id: int) -> list[int]:
    """The headline counts of the newest ok snapshots, oldest first."""
    stmt = newest_first(letter_id).with_only_columns(
        Snapshot.reported_count, Snapshot.listed_count).limit(SPARKLINE_POINTS)
    counts = [r if r is not None else n for r, n in session.execute(stmt)]
    return [c for c in reversed(counts) if c is not None]


def held_back(session: Session, letter_id: int, as_of: datetime | None = None,
              limit: int = 50) -> Sequence[Snapshot]:
    """Suspect snapshots, newest first: shown flagged, never charted."""
    stmt = newest_first(letter_id, statuses=("suspect",), as_of=as_of)
    return session.scalars(stmt.limit(limit)).all()


@dataclass(frozen=True)
class Replacement:
    """A trusted snapshot whose list replaced the one before."""

    snapshot_id: int
    observed_at: datetime
    listed_count: int | None


def list_replacements(session: Session, letter_id: int, as_of: datetime | None = None, *,
                      version: Hashable | None = None) -> tuple[Replacement, ...]:
    """The letter's list replacements, newest first, cached by ``version`` (``series_version``:
    the query walks every trusted snapshot of the letter)."""
    stmt = (newest_first(letter_id, as_of=as_of).where(Snapshot.list_replaced.is_(True))
            .with_only_columns(Snapshot.id, Snapshot.observed_at, Snapshot.listed_count))
    return cached(version, ("list_replacements", letter_id, as_of),
                  lambda: tuple(Replacement(*row) for row in session.execute(stmt)))


def snapshots_page(session: Session, letter_id: int, page: int, per_page: int,
                   status: str | None = None) -> Page:
    """Snapshots oldest first, every status unless ``status`` is given."""
    stmt = select(Snapshot).where(Snapshot.letter_id == letter_id)
    if status:
        stmt = stmt.where(Snapshot.status == status)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(Snapshot.observed_at)
                           .offset((page - 1) * per_page).limit(per_page)).all()
    return Page(list(rows), page, per_page, total)


def iter_snapshots(session: Session, letter_id: int, batch: int = 1000) -> Iterator[Snapshot]:
    """Every snapshot oldest first, fetched ``batch`` rows at a time."""
    stmt = (select(Snapshot).where(Snapshot.letter_id == letter_id)
            .order_by(Snapshot.observed_at).execution_options(yield_per=batch))
    yield from session.scalars(stmt)


def letter_status(letter: Letter, newest: Snapshot | None) -> str:
    """ok / suspect / failing / waiting / paused, as the index page shows it."""
    if not letter.active:
        return "paused"
    if letter.last_polled_at is None and newest is None:
        return "waiting"
    if letter.consecutive_failures > 0:
        return "failing"
    if (letter.last_outcome or "").startswith("suspect") or (
            newest is not None and newest.status == "suspect"):
        return "suspect"
    return "ok"


@dataclass(frozen=True)
class LetterRow:
    letter: Letter
    current: Snapshot | None
    count: int | None
    change_24h: int | None
    sparkline: list[int]
    status: str


def letter_rows(session: Session, now: datetime) -> list[LetterRow]:
    """Every tracked letter with its count, 24 h change, sparkline and status."""
    return [_letter_row(session, letter, now) for letter in tracked_letters(session)]


def _letter_row(session: Session, letter: Letter, now: datetime) -> LetterRow:
    current = newest_snapshot(session, letter.id)
    return LetterRow(
        letter=letter, current=current, count=headline(current),
        change_24h=count_change(session, letter.id, now),
        sparkline=sparkline_counts(session, letter.id),
        status=letter_status(letter, newest_snapshot(session, letter.id, statuses=None)),
    )


# ---------------------------------------------------------------- signers

@dataclass
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1


@dataclass(frozen=True)
class SignerQuery:
    """What the reader asked the signer table for."""

    search: str = ""
    facet: tuple[str, str] | None = None
    sort: str = "position"
    descending: bool = False
    as_of: datetime | None = None
    include_removed: bool = True


@dataclass
class ListedSigner:
    """A row of the signer table: the signature, whether it is off the list, its facets."""

    signature: Signature
    removed: bool
    facets: list[Facet] = field(default_factory=list)


def _present_at(letter_id: int, as_of: datetime) -> Select[Any]:
    """(signature_id, kind) of each signature's latest event at or before ``as_of``."""
    latest = (select(SignatureEvent.signature_id, func.max(SignatureEvent.at).label("at"))
              .where(SignatureEvent.letter_id == letter_id, SignatureEvent.at <= as_of)
              .group_by(SignatureEvent.signature_id).subquery())
    return select(SignatureEvent.signature_id, SignatureEvent.kind).join(
        latest, and_(SignatureEvent.signature_id == latest.c.signature_id,
                     SignatureEvent.at == latest.c.at))


def matching_signers(letter_id: int, query: SignerQuery,
                   columns: Sequence[Any] = (Signature,)) -> Select[Any]:
    """``columns`` of the letter's signatures then a ``removed`` flag, filtered, unsorted."""
    if query.as_of is None:
        removed = Signature.removed_at.is_not(None)
        stmt = select(*columns, removed.label("removed")).where(Signature.letter_id == letter_id)
    else:
        state = _present_at(letter_id, query.as_of).subquery()
        removed = state.c.kind == "removed"
        stmt = select(*columns, removed.label("removed")).join(
            state, state.c.signature_id == Signature.id)
    if not query.include_removed:
        stmt = stmt.where(~removed)
    if query.search:
        stmt = stmt.where(or_(Signature.name.icontains(query.search, autoescape=True),
                              Signature.raw.icontains(query.search, autoescape=True)))
    if query.facet:
        stmt = stmt.where(_has_facet(*query.facet))
    return stmt


def _has_facet(key: str, value: str) -> Any:
    """The signer's effective facets (``models.facets``) of ``key`` include ``value``; the
    arms probe the facet indexes by signature and by person."""
    of_key = [Facet.key == key]
    # "key || ''" on the person arms: SQLite would otherwise walk ix_facet_key_value over
    # every letter's facets once per signer; this leaves it the person indexes.
    of_person = [(Facet.key + "") == key]
    rows = effective_facet_rows(Signature.id, Signature.person_id, own=of_key,
                                of_person=of_person, correlate=Signature)
    return select(rows.c.i).where(rows.c.v == value).exists()


def in_order(stmt: Select[Any], query: SignerQuery) -> Select[Any]:
    """``stmt`` sorted as ``query`` asks (ties by id or position)."""
    columns = SIGNER_SORTS.get(query.sort, SIGNER_SORTS["position"])
    return stmt.order_by(*(c.desc() if query.descending else c for c in columns))


def signers_page(session: Session, letter_id: int, query: SignerQuery,
                 page: int, per_page: int, *, version: Hashable | None = None) -> Page:
    """One page of the signer table, with each row's facets; the total cached by ``version``.

    Sort and descending do not change the total, so every order shares one cached count."""
    stmt = matching_signers(letter_id, query)
    total = signers_total(session, letter_id, query, version=version)
    rows = session.execute(in_order(stmt, query).offset((page - 1) * per_page).limit(per_page))
    items = [ListedSigner(sig, bool(removed)) for sig, removed in rows]
    _attach_facets(session, items)
    return Page(items, page, per_page, total)


def signers_total(session: Session, letter_id: int, query: SignerQuery, *,
                  version: Hashable | None = None) -> int:
    """How many signers ``query`` matches, cached by ``version`` (any order: one count)."""
    stmt = matching_signers(letter_id, query)
    return cached(version, ("signers_total", letter_id, replace(query, sort="", descending=False)),
                  lambda: session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)


def _attach_facets(session: Session, rows: list[ListedSigner]) -> None:
    found = signer_facets(session, [(row.signature.id, row.signature.person_id)
                                    for row in rows])
    for row in rows:
        row.facets = found.get(row.signature.id, [])


def signer_facets(session: Session, signers: Sequence[tuple[int, int | None]]
                  ) -> dict[int, list[Facet]]:
    """Signature id -> its effective facets (``models.facets``) in key, value, id order, for
    (signature id, person id) pairs; signers without any left out."""
    found: dict[int, list[Facet]] = {}
    for chunk in chunks([signature_id for signature_id, _person in signers]):
        for signature_id, facet in session.execute(_signer_facets_statement(),
                                                   {"ids": list(chunk)}):
            found.setdefault(signature_id, []).append(facet)
    return found


@functools.cache
def _signer_facets_statement() -> Select[Any]:
    """``signer_facets``' statement for the signatures bound as ``ids``: built once (building
    it was a third of the call's time, on every page of signers)."""
    of_chunk = [Signature.id.in_(bindparam("ids", expanding=True))]
    rows = effective_facet_rows(Signature.id, Signature.person_id, own=of_chunk,
                                of_person=of_chunk)
    return (select(rows.c.sid, Facet).join(Facet, Facet.id == rows.c.i)
            .order_by(Facet.key, Facet.value, Facet.id))


def signer_count(session: Session, letter_id: int, as_of: datetime | None = None, *,
                 version: Hashable | None = None) -> int:
    """Signers on the list (removed ones not counted) now or as of a time."""
    return cached(version, ("signer_count", letter_id, as_of),
                  lambda: _signer_count(session, letter_id, as_of))


def _signer_count(session: Session, letter_id: int, as_of: datetime | None) -> int:
    query = SignerQuery(as_of=as_of, include_removed=False)
    stmt = matching_signers(letter_id, query)
    return session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


@dataclass(frozen=True)
class Change:
    at: datetime
    kind: str
    signature: Signature


def recent_changes(session: Session, letter_id: int, as_of: datetime | None = None,
                   limit: int = 20) -> list[Change]:
    """The newest signer additions and removals, newest first."""
    stmt = (select(SignatureEvent.at, SignatureEvent.kind, Signature)
            .join(Signature, Signature.id == SignatureEvent.signature_id)
            .where(SignatureEvent.letter_id == letter_id))
    if as_of is not None:
        stmt = stmt.where(SignatureEvent.at <= as_of)
    stmt = stmt.order_by(SignatureEvent.at.desc(), SignatureEvent.id.desc()).limit(limit)
    return [Change(at, kind, sig) for at, kind, sig in session.execute(stmt)]


@dataclass(frozen=True)
class Batch:
    """The signer changes one snapshot showed."""

    snapshot_id: int
    at: datetime
    added: int
    removed: int
    sample: list[str]


def event_batches(session: Session, letter_id: int, limit: int = 50) -> list[Batch]:
    """Per snapshot: how many signers were added and removed (newest first)."""
    stmt = (select(SignatureEvent.snapshot_id, func.min(SignatureEvent.at),
                   func.sum(case((SignatureEvent.kind == "added", 1), else_=0)),
                   func.sum(case((SignatureEvent.kind == "removed", 1), else_=0)))
            .where(SignatureEvent.letter_id == letter_id)
            .group_by(SignatureEvent.snapshot_id)
            .order_by(func.min(SignatureEvent.at).desc()).limit(limit))
    return [Batch(sid, at, added or 0, removed or 0, _sample_names(session, sid))
            for sid, at, added, removed in session.execute(stmt)]


def _sample_names(session: Session, snapshot_id: int, limit: int = 10) -> list[str]:
    stmt = (select(Signature.name).join(SignatureEvent, SignatureEvent.signature_id == Signature.id)
            .where(SignatureEvent.snapshot_id == snapshot_id, SignatureEvent.kind == "added")
            .order_by(Signature.position).limit(limit))
    return list(session.scalars(stmt))


# ---------------------------------------------------------------- composition

@dataclass(frozen=True)
class Composition:
    """Signers by one facet: counts per value over a stated denominator, unknowns apart."""

    key: str
    denominator: int
    counts: list[tuple[str, int]]
    unknown: int
    labels: dict[str, str] = field(default_factory=dict)
    sentences: tuple[str, ...] = ()

    @property
    def known(self) -> int:
        return self.denominator - self.unknown


def facet_keys(session: Session, letter_id: int, *,
               version: Hashable | None = None) -> list[str]:
    """The facet keys any signer of the letter has, composition keys first."""
    return list(cached(version, ("facet_keys", letter_id),
                       lambda: tuple(_facet_keys(session, letter_id))))


def _facet_keys(session: Session, letter_id: int) -> list[str]:
    of_letter = [Signature.letter_id == letter_id]
    arms = facet_arms(Signature.id, Signature.person_id, own=of_letter, of_person=of_letter,
                      merged=merged_people(session), columns=[Facet.key])
    keys = {key for arm in arms for key in session.scalars(arm.distinct())}
    return [k for k in COMPOSITION_KEYS if k in keys] + sorted(keys - set(COMPOSITION_KEYS))


def composition(session: Session, letter_id: int, key: str, as_of: datetime | None = None,
                *, version: Hashable | None = None) -> Composition:
    """Signers on the list by ``key`` (models.composition: editor values win, people count)."""
    return cached(version, ("composition", letter_id, key, as_of),
                  lambda: _composition(session, letter_id, key, as_of))


def _composition(session: Session, letter_id: int, key: str,
                 as_of: datetime | None) -> Composition:
    result = letter_composition(session, letter_id, key, as_of=as_of)
    counts = [(value, result.counts[value]) for value in result.ordered_values()]
    return Composition(key, result.total, counts, result.unknown,
                       {value: result.label(value) for value, _ in counts},
                       tuple(result.sentences()))


# ---------------------------------------------------------------- people and polls

def person_with_signatures(session: Session, person_id: int
                           ) -> tuple[Person, list[tuple[Signature, Letter]]] | None:
    """A person and each letter they signed (deleted letters left out)."""
    person = session.get(Person, person_id)
    if person is None:
        return None
    stmt = (select(Signature, Letter).join(Letter, Letter.id == Signature.letter_id)
            .where(Signature.person_id == person_id, Letter.deleted_at.is_(None))
            .order_by(Signature.first_seen_at))
    return person, [(sig, letter) for sig, letter in session.execute(stmt)]


def poll_outcome_counts(session: Session) -> list[tuple[str, str, int]]:
    """(slug, outcome, polls) over the kept poll log."""
    stmt = (select(Letter.slug, PollLog.outcome, func.count())
            .join(Letter, Letter.id == PollLog.letter_id)
            .group_by(Letter.slug, PollLog.outcome).order_by(Letter.slug, PollLog.outcome))
    return [tuple(row) for row in session.execute(stmt)]


def poll_duration_buckets(session: Session, bounds_ms: Sequence[int]
                          ) -> tuple[list[int], int, int]:
    """Cumulative poll counts at or under each bound, the total count and the sum in ms."""
    cumulative = [session.scalar(select(func.count()).where(PollLog.duration_ms <= bound))
                  or 0 for bound in bounds_ms]
    total, summed = session.execute(
        select(func.count(), func.coalesce(func.sum(PollLog.duration_ms), 0))).one()
    return cumulative, int(total), int(summed)
