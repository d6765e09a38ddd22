"""Write helpers for the tracker: archive, snapshots, signer history, poll log.

Every function takes the session first and never commits: ``tracker.poll`` owns the one
transaction of a poll, so a crash leaves the whole poll or nothing.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    ARRAY,
    Connection,
    String,
    any_,
    bindparam,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from enrich import names
from models.base import utcnow
from models.bulk import chunks, insert_tuples, new_ids
from models.letters import Archive, Letter, PollLog, Snapshot
from models.prepared import Prepared
from models.signers import Person, Signature, SignatureEvent

PRUNE_EVERY = 20
_INSERT_POLL_LOG = Prepared(insert(PollLog).values(
    {name: bindparam(name) for name in ("letter_id", "started_at", "duration_ms", "outcome",
                                        "http_status", "error", "snapshot_id")})
    .returning(PollLog.id))


def store_archive(session: Session, *, sha256: str, body: bytes, url: str,
                  content_type: str | None, now: datetime) -> str:
    """Keep ``body`` once under its sha256 (gzip-compressed); returns the key.

    Two letters may serve the same bytes at the same moment: the insert is a no-op on
    conflict, so concurrent polls never fail on the shared archive row."""
    if session.get(Archive, sha256) is None:
        values = {"sha256": sha256, "url": url, "content_type": content_type,
                  "size": len(body), "compression": "gzip", "body": compressed_body(body),
                  "first_seen_at": now}
        session.execute(insert_ignoring_conflicts(session, Archive).values(**values))
    return sha256


def compressed_body(body: bytes) -> bytes:
    """The page bytes as the archive keeps them.

    Level 6: slower than level 1 but markedly smaller (bench/RESULTS.md), and every distinct
    body is kept, so the smaller archive wins."""
    return gzip.compress(body, 6)


def insert_ignoring_conflicts(session: Session, model: type):
    """An INSERT into ``model``'s table that skips rows whose unique key is taken."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    return dialect_insert(model).on_conflict_do_nothing()


def archived_body(archive: Archive) -> bytes:
    """The archived page bytes as they were fetched."""
    return gzip.decompress(archive.body) if archive.compression == "gzip" else archive.body


def pending_suspects(session: Session, letter_id: int, after: datetime | None) -> list[Snapshot]:
    """Suspect snapshots newer than the current ok one, oldest first."""
    query = select(Snapshot).where(Snapshot.letter_id == letter_id, Snapshot.status == "suspect")
    if after is not None:
        query = query.where(Snapshot.observed_at > after)
    return list(session.scalars(query.order_by(Snapshot.observed_at)))


def confirm_snapshot(snapshot: Snapshot, now: datetime) -> None:
    """The page still says what ``snapshot`` says: one more confirmation, no new row."""
    if now > snapshot.last_confirmed_at:
        snapshot.last_confirmed_at = now
    snapshot.confirmations += 1


class SignerRow(NamedTuple):
    """A signer's one declared shape: keyed for matching across polls, then the fields the page
    printed (``PRINTED_FIELDS``, scrapers.base.Signer's), each as its Signature column keeps it.

    Every layer derives its rows from these names: the poll's inserts, the enrichment's reads,
    the export's SELECTs and CSV columns. A tuple: cheap to make by the hundred thousand."""

    name_key: str
    occurrence: int
    position: int
    name: str
    raw: str
    affiliation: str | None = None
    role: str | None = None
    location: str | None = None
    extra: dict[str, Any] | None = None


PRINTED_FIELDS = SignerRow._fields[3:]
PRINTED_TEXT_FIELDS = tuple(name for name in PRINTED_FIELDS if name != "extra")


def signer_row(name_key: str, occurrence: int, position: int, printed: Any) -> SignerRow:
    """``printed`` (a scrapers.base.Signer, or anything with its fields) as a stored row: cut
    to the column sizes of models.signers, an empty location or extra stored as NULL."""
    location, extra = printed.location, printed.extra
    return _make_row((name_key, occurrence, position, printed.name[:500], printed.raw[:10_000],
                      printed.affiliation, printed.role, location[:500] if location else None,
                      dict(extra) if extra else None))


_make_row = SignerRow._make  # the fastest way to build a named tuple


@dataclass(frozen=True)
class SignerDiff:
    added: list[int]
    returned: list[int]
    removed: list[int]
    kept: int
    # The rows of ``added`` and their person ids, in the same order: what enrichment needs
    # without reading back what this transaction just wrote.
    added_rows: list[SignerRow] = field(default_factory=list)
    added_person_ids: list[int] = field(default_factory=list)


def apply_signer_list(session: Session, letter: Letter, snapshot: Snapshot,
                      rows: Sequence[SignerRow]) -> SignerDiff:
    """Make the letter's active signatures equal ``rows``; record added/removed events."""
    now = snapshot.observed_at
    active, removed = _signatures(session, letter.id)
    wanted = {(row.name_key, row.occurrence): row for row in rows}
    gone = [sig_id for key, (sig_id, _pos) in active.items() if key not in wanted]
    new_rows = ([row for key, row in wanted.items() if key not in active] if active
                else list(wanted.values()))  # a first list: every row is new
    returning = ({key: hit for key, hit in removed.items() if key in wanted}
                 if new_rows and removed else {})  # removed signers the list shows again
    returned = _restore(session, new_rows, returning, now)
    fresh = ([row for row in new_rows if (row.name_key, row.occurrence) not in returning]
             if returning else new_rows)
    added, person_ids = _insert_signatures(session, letter.id, fresh, snapshot)
    _mark_removed(session, gone, now)
    _reposition(session, active, wanted)
    if len(rows) > len(new_rows):  # signers kept from before were seen again now
        session.execute(update(Signature).where(Signature.letter_id == letter.id,
                                                Signature.removed_at.is_(None),
                                                Signature.last_seen_at < now)
                        .values(last_seen_at=now))
    _record_events(session, letter.id, snapshot, added + returned, gone)
    return SignerDiff(added=added, returned=returned, removed=gone,
                      kept=len(rows) - len(new_rows), added_rows=fresh,
                      added_person_ids=person_ids)


def _signatures(session: Session, letter_id: int
                ) -> tuple[dict[tuple[str, int], tuple[int, int]],
                           dict[tuple[str, int], tuple[int, int]]]:
    """(active, removed) signatures of the letter: (name key, occurrence) -> (id, position)."""
    query = select(Signature.name_key, Signature.occurrence, Signature.id, Signature.position,
                   Signature.removed_at.is_not(None))
    active: dict[tuple[str, int], tuple[int, int]] = {}
    removed: dict[tuple[str, int], tuple[int, int]] = {}
    for key, occ, sig_id, pos, gone in session.execute(query.where(
            Signature.letter_id == letter_id)):
        (removed if gone else active)[key, occ] = (sig_id, pos)
    return active, removed


def _restore(session: Session, rows: Sequence[SignerRow],
             returning: dict[tuple[str, int], tuple[int, int]], now: datetime) -> list[int]:
    if not returning:
        return []
    restored = [(hit[0], row) for row in rows
                if (hit := returning.get((row.name_key, row.occurrence))) is not None]
    if restored:  # one statement for them all: a rebuilt history restores whole lists
        table = Signature.__table__
        session.connection().execute(
            update(table).where(table.c.id == bindparam("sid")).values(
                removed_at=None, last_seen_at=now, position=bindparam("pos"),
                raw=bindparam("text")),
            [{"sid": sig_id, "pos": row.position, "text": row.raw} for sig_id, row in restored])
    return [sig_id for sig_id, _row in restored]


SIGNATURE_COLUMNS = ("id", "person_id", *SignerRow._fields)


def _insert_signatures(session: Session, letter_id: int, rows: Sequence[SignerRow],
                       snapshot: Snapshot) -> tuple[list[int], list[int]]:
    """(signature ids, person ids) of ``rows`` inserted as new signatures, in their order."""
    if not rows:
        return [], []
    persons = link_persons(session, rows)
    person_ids = [persons[row.name_key] for row in rows]
    ids = new_ids(session, Signature.__table__, len(rows))
    insert_tuples(session, Signature.__table__, SIGNATURE_COLUMNS, [
        (sig_id, person_id, *row) for sig_id, person_id, row in zip(ids, person_ids, rows,
                                                                    strict=True)],
        {"letter_id": letter_id, "first_seen_at": snapshot.observed_at,
         "last_seen_at": snapshot.observed_at, "first_snapshot_id": snapshot.id})
    return list(ids), person_ids


PERSON_COLUMNS = ("id", "name_key", "display_name", "match_key", "middle_initials")


def match_keys(name: str, key: str | None = None) -> tuple[str | None, str]:
    """(``person_key``, ``middle_initials``) of a person's name (its ``name_key`` if known),
    cut to their columns; none for a name keyed by its raw line's hash."""
    if key is not None and key.startswith("#"):
        return None, ""
    person, initials = names.match_keys(name, key)
    return person[:300] or None, initials[:40]


def link_persons(session: Session, rows: Iterable[SignerRow]) -> dict[str, int]:
    """Person id per name key: an existing (unmerged) person by name key, else by match key
    where the middle initials agree (enrich.names.person_key), else a new one."""
    display: dict[str, str] = {}
    for row in rows:
        display.setdefault(row.name_key, row.name)
    found = _existing_persons(session, list(display))
    missing = [key for key in display if key not in found]
    keyed = {key: match_keys(display[key], key) for key in missing}
    if missing and (found or session.scalar(select(Person.id).limit(1))):
        found.update(_persons_by_match_key(session, keyed))
        missing = [key for key in missing if key not in found]
    if missing:
        ids = new_ids(session, Person.__table__, len(missing))
        insert_tuples(session, Person.__table__, PERSON_COLUMNS,
                      [(person_id, key, display[key][:500], *keyed[key])
                       for person_id, key in zip(ids, missing, strict=True)],
                      {"created_at": utcnow()})
        found.update(zip(missing, ids, strict=True))
    return found


def _persons_by_match_key(session: Session, keyed: dict[str, tuple[str | None, str]]
                          ) -> dict[str, int]:
    """Name key -> the oldest unmerged person of its match key, where no two middle initials
    of that key (the person's and the newcomer's) disagree; a person first seen without
    initials takes the newcomer's, so that later disagreement shows."""
    groups: dict[str, list[tuple[int, str]]] = {}
    wanted = sorted({mk for mk, _ in keyed.values() if mk})
    for chunk in chunks(wanted):
        for mk, person_id, initials in session.execute(
                select(Person.match_key, Person.id, Person.middle_initials)
                .where(Person.match_key.in_(chunk), Person.merged_into_id.is_(None))
                .order_by(Person.id)):
            groups.setdefault(mk, []).append((person_id, initials or ""))
    linked: dict[str, int] = {}
    for key, (mk, initials) in keyed.items():
        group = groups.get(mk or "")
        if not group or len({i for _, i in group if i} | ({initials} - {""})) > 1:
            continue
        person_id, known = group[0]
        linked[key] = person_id
        if initials and not known:
            session.execute(update(Person).where(Person.id == person_id)
                            .values(middle_initials=initials))
            group[0] = (person_id, initials)
    return linked


def _existing_persons(session: Session, keys: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    if not session.scalar(select(Person.id).limit(1)):
        return found
    for key, person_id in _unmerged_persons(session, keys):
        found.setdefault(key, person_id)
    return found


def _unmerged_persons(session: Session, keys: list[str]) -> Iterator[tuple[str, int]]:
    """(name key, id) of the unmerged persons with one of ``keys``, oldest first per key."""
    query = (select(Person.name_key, Person.id).where(Person.merged_into_id.is_(None))
             .order_by(Person.id))
    if session.connection().dialect.name == "postgresql":
        # One array parameter: chunks of 900 keys spent most of a long list's time planning.
        keys_param = bindparam("keys", keys, type_=ARRAY(String))
        yield from session.execute(query.where(Person.name_key == any_(keys_param)))
        return
    for chunk in chunks(keys):
        yield from session.execute(query.where(Person.name_key.in_(chunk)))


def _mark_removed(session: Session, ids: list[int], now: datetime) -> None:
    for chunk in chunks(ids):
        session.execute(update(Signature).where(Signature.id.in_(chunk)).values(removed_at=now))


def _reposition(session: Session, active: dict[tuple[str, int], tuple[int, int]],
                wanted: dict[tuple[str, int], SignerRow]) -> None:
    moved = [{"sid": sig_id, "pos": wanted[key].position}
             for key, (sig_id, pos) in active.items()
             if key in wanted and wanted[key].position != pos]
    if moved:
        table = Signature.__table__
        session.connection().execute(
            update(table).where(table.c.id == bindparam("sid")).values(position=bindparam("pos")),
            moved,
        )


def _record_events(session: Session, letter_id: int, snapshot: Snapshot,
                   added: list[int], removed: list[int]) -> None:
    values = [(sig_id, kind)
              for kind, ids in (("added", added), ("removed", removed)) for sig_id in ids]
    insert_tuples(session, SignatureEvent.__table__, ("signature_id", "kind"), values,
                  {"letter_id": letter_id, "snapshot_id": snapshot.id, "at": snapshot.observed_at})


def write_poll_log(db: Session | Connection, *, letter_id: int, started_at: datetime,
                   duration_ms: int, outcome: str, http_status: int | None = None,
                   error: str | None = None, snapshot_id: int | None = None,
                   keep: int = 500) -> None:
    """Log one attempt and drop this letter's entries beyond the newest ``keep``."""
    connection = db.connection() if isinstance(db, Session) else db
    values = {"letter_id": letter_id, "started_at": started_at, "duration_ms": duration_ms,
              "outcome": outcome, "http_status": http_status,
              "error": error[:4000] if error else None, "snapshot_id": snapshot_id}
    logged = _INSERT_POLL_LOG.execute(connection, values).scalar_one()
    prune_poll_log(connection, letter_id, logged, keep)


def prune_poll_log(connection: Connection, letter_id: int, logged_id: int, keep: int) -> None:
    """After entry ``logged_id``: drop the letter's entries beyond the newest ``keep``."""
    if logged_id % PRUNE_EVERY:
        return  # pruning every PRUNE_EVERY-th entry keeps the log bounded at less cost
    drop_beyond_newest(connection, PollLog.id, PollLog.letter_id, letter_id, keep)


def drop_beyond_newest(db: Session | Connection, id_column: Any, owner_column: Any,
                       owner: int, keep: int) -> None:
    """Delete the owner's rows of a log table beyond its newest ``keep`` (by id)."""
    cutoff = db.scalar(select(id_column).where(owner_column == owner)
                       .order_by(id_column.desc()).offset(keep).limit(1))
    if cutoff is not None:
        db.execute(delete(id_column.table).where(owner_column == owner, id_column <= cutoff))
