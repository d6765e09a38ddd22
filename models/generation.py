"""A count of committed changes to the signer data, kept by the database itself.

Cached reads over a letter's signers (composition, facet keys, signer counts) stay right
until a signature, a signature event, a facet or a person changes. Triggers on those four
tables count such changes in the one row of ``data_generation``; everything else (the polls
that find a page unchanged, the poll log, snapshots, letters) leaves the count alone, so the
cache outlives them. Triggers see every writer: polls, editors, roster matches, raw SQL.
Moving a signature's last-seen time (every kept signer, on every changed poll) is not
counted: no cached read depends on it. Nor is adding a person: a new person changes nothing
until a signature or a facet points at it (or it is merged), and those are counted; a first
poll of 100,000 signers adds 100,000 people.

SQLite: a row trigger adds one per changed or deleted row (one writer at a time: no
contention). Added rows have no trigger: SQLite hands out ids in commit order (one writer),
so the newest id of each table, read with the count, tells of them for free; a trigger per
added row made a first poll of a long list several times slower (bench/RESULTS.md). The one
change this misses: a row added by hand under an id below its table's
newest (say, restoring deleted facets with their old ids) is not seen until the next counted
change or a restart of the process.
PostgreSQL: a statement trigger notes the transaction once in ``data_generation_pending``
and a deferred trigger on that row adds one at commit, so writers of different letters
wait on the counter's row only while committing, and counts follow commit order.

Per letter too (``letter_generation``), so that a poll of one letter leaves the cached reads
of the others alone: the same changes are counted under the letter they belong to (a facet:
its signature's letter), and under row ``PEOPLE`` when they may show on any letter (people,
their merges, person-level facets). SQLite's added rows are seen through the newest id of the
letter's rows in each table (``letter_current``); row ``DELETIONS`` counts deleted rows
anywhere, after which SQLite may hand out their ids again. PostgreSQL counts added rows too
(statement triggers reading the changed rows).

Per letter, the charted snapshots too (``series_generation``, ``series_current``): the
chart, the list replacements and whatever else is cached from a letter's snapshots stay right
until one of its snapshots is added, deleted or changed in any column but its confirmations
(``last_confirmed_at``, ``confirmations``: what an unchanged poll moves). Both databases: a
row trigger per snapshot (one a changed poll); on PostgreSQL a deferred one, so the counter's
row is locked only while committing.

The triggers are created with the tables (``Base.metadata.create_all``) and by migrations
0003, 0011 and 0014. A later migration that rebuilds one of the four tables or ``snapshot``
(SQLite batch mode copies the table) must call ``install`` again.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

from sqlalchemy import BigInteger, Connection, String, event, func, inspect, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base
from models.letters import Snapshot
from models.signers import Facet, Person, Signature, SignatureEvent

COUNTED_TABLES = (Signature, SignatureEvent, Facet, Person)
NOT_COUNTED = {"signature": {"last_seen_at"}}
INSERTS_NOT_COUNTED = {"person"}
ROW_ID = 1
PEOPLE, DELETIONS = 0, -1  # rows of letter_generation that are not letters
SERIES_NOT_COUNTED = {"last_confirmed_at", "confirmations"}


class DataGeneration(Base):
    """One row: a random epoch (this database) and how many signer-data changes committed."""

    __tablename__ = "data_generation"

    id: Mapped[int] = mapped_column(primary_key=True)
    epoch: Mapped[str] = mapped_column(String(32))
    n: Mapped[int] = mapped_column(BigInteger, default=0)


class DataGenerationPending(Base):
    """PostgreSQL: transactions that changed signer data and have not committed yet."""

    __tablename__ = "data_generation_pending"

    txid: Mapped[str] = mapped_column(String(32), primary_key=True)


class LetterGeneration(Base):
    """Per letter: how many changes to its signer data committed (rows ``PEOPLE`` and
    ``DELETIONS`` are not letters)."""

    __tablename__ = "letter_generation"

    letter_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(BigInteger, default=0)


class LetterGenerationPending(Base):
    """PostgreSQL: (transaction, letter) pairs of changes that have not committed yet."""

    __tablename__ = "letter_generation_pending"

    txid: Mapped[str] = mapped_column(String(32), primary_key=True)
    letter_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)


class SeriesGeneration(Base):
    """Per letter: how many changes to its snapshots (confirmations aside) committed."""

    __tablename__ = "series_generation"

    letter_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(BigInteger, default=0)


def current(session: Session) -> tuple[Any, ...] | None:
    """(epoch, count, ...) as this session's transaction sees it; None if the row is missing.

    On SQLite the newest id of each table whose appended rows are not counted follows."""
    columns: list[Any] = [DataGeneration.epoch, DataGeneration.n]
    if session.get_bind().dialect.name == "sqlite":
        columns += [select(func.max(model.id)).scalar_subquery()
                    for model in COUNTED_TABLES if model.__tablename__ not in INSERTS_NOT_COUNTED]
    row = session.execute(select(*columns).where(DataGeneration.id == ROW_ID)).first()
    return None if row is None else tuple(row)


_COUNTS = (f"(SELECT epoch FROM data_generation WHERE id = {ROW_ID}), "
           + ", ".join(f"(SELECT n FROM letter_generation WHERE letter_id = {row})"
                       for row in (":letter", PEOPLE, DELETIONS)))
_PG_LETTER = text(f"SELECT {_COUNTS}")
_NEWEST = "(SELECT max(id) FROM signature), (SELECT max(id) FROM signature_event), " \
    "(SELECT max(id) FROM facet)"
# The newest id of the letter's rows in each table, and of person-level facets: from the
# letter's index on a first look, then from the rows added since ("+" and CROSS JOIN keep
# SQLite on the id range).
_SQLITE_LETTER = text(f"SELECT {_COUNTS}, {_NEWEST}, "
                      "(SELECT max(id) FROM signature WHERE letter_id = :letter), "
                      "(SELECT max(id) FROM signature_event WHERE letter_id = :letter), "
                      "(SELECT max(f.id) FROM signature s JOIN facet f ON f.signature_id = s.id "
                      "WHERE s.letter_id = :letter), "
                      "(SELECT max(id) FROM facet WHERE signature_id IS NULL)")
_SQLITE_LETTER_SINCE = text(
    f"SELECT {_COUNTS}, {_NEWEST}, "
    "(SELECT max(id) FROM signature WHERE id > :signature AND +letter_id = :letter), "
    "(SELECT max(id) FROM signature_event WHERE id > :event AND +letter_id = :letter), "
    "(SELECT max(f.id) FROM facet f CROSS JOIN signature s ON s.id = f.signature_id "
    "WHERE f.id > :facet AND +s.letter_id = :letter), "
    "(SELECT max(id) FROM facet WHERE id > :facet AND +signature_id IS NULL)")


class _Seen:
    """Per letter, what SQLite's last look found: (epoch, deletions, the newest ids of the
    tables, the newest ids of the letter's rows). Rows added since are read by id range."""

    def __init__(self) -> None:
        self.items: dict[int, tuple[Any, Any, tuple[int, ...], tuple[int, ...]]] = {}
        self.lock = threading.Lock()

    def get(self, letter_id: int) -> tuple[Any, Any, tuple[int, ...], tuple[int, ...]] | None:
        with self.lock:
            return self.items.get(letter_id)

    def put(self, letter_id: int, seen: tuple[Any, Any, tuple[int, ...], tuple[int, ...]]
            ) -> None:
        with self.lock:
            self.items[letter_id] = seen


SEEN = _Seen()


def letter_current(session: Session, letter_id: int) -> tuple[Any, ...] | None:
    """A token of letter ``letter_id``'s signer data (its signatures, their events and
    facets, and everything of people) as this session sees it; None if the row is missing.

    Changes to other letters leave it as it was."""
    if session.get_bind().dialect.name != "sqlite":
        epoch, *counts = session.execute(_PG_LETTER, {"letter": letter_id}).one()
        return None if epoch is None else (epoch, *(n or 0 for n in counts[:2]))
    return _sqlite_letter_current(session, letter_id)


def _sqlite_letter_current(session: Session, letter_id: int) -> tuple[Any, ...] | None:
    seen = SEEN.get(letter_id)
    if seen is not None:
        since = dict(zip(("signature", "event", "facet"), seen[2], strict=True))
        epoch, letter_n, people_n, deletions, *rest = session.execute(
            _SQLITE_LETTER_SINCE, {"letter": letter_id, **since}).one()
        newest, found = tuple(n or 0 for n in rest[:3]), rest[3:]
        if (epoch, deletions) == seen[:2] and all(
                n >= s for n, s in zip(newest, seen[2], strict=True)):
            marks = tuple(max(m, f or 0) for m, f in zip(seen[3], found, strict=True))
            return _seen(letter_id, epoch, letter_n, people_n, deletions, newest, marks)
    epoch, letter_n, people_n, deletions, *rest = session.execute(
        _SQLITE_LETTER, {"letter": letter_id}).one()
    if epoch is None:
        return None
    newest, marks = tuple(n or 0 for n in rest[:3]), tuple(n or 0 for n in rest[3:])
    return _seen(letter_id, epoch, letter_n, people_n, deletions, newest, marks)


def _seen(letter_id: int, epoch: Any, letter_n: Any, people_n: Any, deletions: Any,
          newest: tuple[int, ...], marks: tuple[int, ...]) -> tuple[Any, ...]:
    SEEN.put(letter_id, (epoch, deletions, newest, marks))
    return (epoch, letter_n or 0, people_n or 0, *marks)


_SERIES = text(f"SELECT (SELECT epoch FROM data_generation WHERE id = {ROW_ID}), "
               "(SELECT n FROM series_generation WHERE letter_id = :letter)")


def series_current(session: Session, letter_id: int) -> tuple[Any, ...] | None:
    """A token of letter ``letter_id``'s snapshots, confirmations aside, as this session sees
    it (one primary-key read); None if the counter's row is missing.

    Polls that find the page unchanged, and changes to other letters, leave it as it was."""
    epoch, n = session.execute(_SERIES, {"letter": letter_id}).one()
    return None if epoch is None else ("series", letter_id, epoch, n or 0)


def ensure_row(connection: Connection) -> None:
    """Create the counter's row with a new epoch if it is missing (a new or emptied table)."""
    if connection.scalar(select(DataGeneration.id).where(DataGeneration.id == ROW_ID)) is None:
        connection.execute(DataGeneration.__table__.insert().values(
            id=ROW_ID, epoch=uuid.uuid4().hex, n=0))


def install(connection: Connection) -> None:
    """Create the counter's row and the triggers that keep it and, once its table exists,
    the per-letter count (idempotent)."""
    ensure_row(connection)
    postgresql = connection.dialect.name == "postgresql"
    statements = _postgresql_ddl() if postgresql else _sqlite_ddl()
    tables = inspect(connection)
    if tables.has_table(LetterGeneration.__tablename__):  # from migration 0011
        statements += _postgresql_letter_ddl() if postgresql else _sqlite_letter_ddl()
    if tables.has_table(SeriesGeneration.__tablename__):  # from migration 0014
        statements += _postgresql_series_ddl() if postgresql else _sqlite_series_ddl()
    for statement in statements:
        connection.execute(text(statement))


def uninstall(connection: Connection) -> None:
    """Drop the triggers (and PostgreSQL's functions); the tables are the caller's."""
    for statement in (_postgresql_drops() + _postgresql_letter_drops() + _postgresql_series_drops()
                      if connection.dialect.name == "postgresql"
                      else _sqlite_drops() + _sqlite_letter_drops() + _sqlite_series_drops()):
        connection.execute(text(statement))


def _counted_columns(table: Any) -> list[str]:
    skip = NOT_COUNTED.get(table.name, set())
    return [column.name for column in table.columns if column.name not in skip]


def _update_of(table: Any) -> str:
    if table.name not in NOT_COUNTED:
        return "UPDATE"
    return "UPDATE OF " + ", ".join(_counted_columns(table))


def _tables() -> list[Any]:
    return [model.__table__ for model in COUNTED_TABLES]


def _operations(table: Any, inserts: bool = True) -> list[tuple[str, str]]:
    """(trigger name suffix, the operation it follows) of the changes counted on ``table``."""
    found = [("delete", "DELETE"), ("update", _update_of(table))]
    if not inserts or table.name in INSERTS_NOT_COUNTED:
        return found
    return [("insert", "INSERT"), *found]


def _sqlite_ddl() -> list[str]:
    bump = f"BEGIN UPDATE data_generation SET n = n + 1 WHERE id = {ROW_ID}; END"
    return [f"CREATE TRIGGER IF NOT EXISTS data_generation_{table.name}_{name} "
            f"AFTER {operation} ON {table.name} FOR EACH ROW {bump}"
            for table in _tables() for name, operation in _operations(table, inserts=False)]


def _sqlite_drops() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS data_generation_{table.name}_{name}"
            for table in _tables() for name in ("insert", "delete", "update")]


NOTE_FUNCTION = """
CREATE OR REPLACE FUNCTION data_generation_note() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO data_generation_pending (txid) VALUES (pg_current_xact_id()::text)
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$"""

BUMP_FUNCTION = f"""
CREATE OR REPLACE FUNCTION data_generation_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE data_generation SET n = n + 1 WHERE id = {ROW_ID};
  DELETE FROM data_generation_pending WHERE txid = NEW.txid;
  RETURN NULL;
END $$"""


def _postgresql_ddl() -> list[str]:
    statements = [NOTE_FUNCTION, BUMP_FUNCTION, *_postgresql_trigger_drops()]
    statements += [f"CREATE TRIGGER data_generation_{table.name} AFTER "
                   + " OR ".join(operation for _, operation in _operations(table))
                   + f" OR TRUNCATE ON {table.name} FOR EACH STATEMENT "
                   "EXECUTE FUNCTION data_generation_note()" for table in _tables()]
    statements.append(
        "CREATE CONSTRAINT TRIGGER data_generation_commit AFTER INSERT ON "
        "data_generation_pending DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
        "EXECUTE FUNCTION data_generation_bump()")
    return statements


def _postgresql_trigger_drops() -> list[str]:
    return [*(f"DROP TRIGGER IF EXISTS data_generation_{table.name} ON {table.name}"
              for table in _tables()),
            "DROP TRIGGER IF EXISTS data_generation_commit ON data_generation_pending"]


def _postgresql_drops() -> list[str]:
    return [*_postgresql_trigger_drops(), "DROP FUNCTION IF EXISTS data_generation_note()",
            "DROP FUNCTION IF EXISTS data_generation_bump()"]


# Per letter. SQLite: row triggers on changed and deleted rows, the letter of each; a row
# of a person, or a facet of a person, counts under PEOPLE; a deleted row also under
# DELETIONS.
_LETTER_OF = {
    "signature": ["SELECT {row}.letter_id, 1 WHERE true"],
    "signature_event": ["SELECT {row}.letter_id, 1 WHERE true"],
    "facet": ["SELECT letter_id, 1 FROM signature WHERE id = {row}.signature_id",
              f"SELECT {PEOPLE}, 1 WHERE {{row}}.signature_id IS NULL"],
    "person": [f"SELECT {PEOPLE}, 1 WHERE true"],
}


def _letter_bump(select_sql: str) -> str:
    return (f"INSERT INTO letter_generation (letter_id, n) {select_sql} "
            "ON CONFLICT (letter_id) DO UPDATE SET n = n + 1;")


def _sqlite_letter_trigger(table: Any, name: str, operation: str) -> str:
    rows = ("OLD", "NEW") if name == "update" else ("OLD",)
    body = [_letter_bump(part.format(row=row)) for row in rows
            for part in _LETTER_OF[table.name]]
    if name == "delete" and table.name != "person":
        body.append(_letter_bump(f"SELECT {DELETIONS}, 1 WHERE true"))
    return (f"CREATE TRIGGER IF NOT EXISTS letter_generation_{table.name}_{name} "
            f"AFTER {operation} ON {table.name} FOR EACH ROW BEGIN {' '.join(body)} END")


def _sqlite_letter_ddl() -> list[str]:
    return [_sqlite_letter_trigger(table, name, operation) for table in _tables()
            for name, operation in _operations(table, inserts=False)]


def _sqlite_letter_drops() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS letter_generation_{table.name}_{name}"
            for table in _tables() for name in ("delete", "update")]


# PostgreSQL: statement triggers read the changed rows (transition tables) and note each
# (transaction, letter) once; a deferred trigger counts the pair at commit. An update of a
# signature's last-seen time alone is counted here (transition tables take no column list):
# it only comes with a changed poll of that letter.
_PG_LETTERS_OF = {
    "signature": "SELECT DISTINCT letter_id FROM {rows}",
    "signature_event": "SELECT DISTINCT letter_id FROM {rows}",
    "facet": (f"SELECT DISTINCT coalesce(s.letter_id, {PEOPLE}) FROM {{rows}} f "
              "LEFT JOIN signature s ON s.id = f.signature_id"),
    "person": f"SELECT {PEOPLE} FROM {{rows}} LIMIT 1",
}
_PG_TRANSITIONS = {"INSERT": ("new_rows",), "UPDATE": ("new_rows", "old_rows"),
                   "DELETE": ("old_rows",)}


def _pg_note_function(table: Any) -> str:
    parts = []
    for operation, names in _PG_TRANSITIONS.items():
        letters_of = _PG_LETTERS_OF[table.name]
        notes = " ".join(
            "INSERT INTO letter_generation_pending (txid, letter_id) SELECT "
            f"pg_current_xact_id()::text, letters.id FROM ({letters_of.format(rows=rows)}) "
            "AS letters (id) ON CONFLICT DO NOTHING;" for rows in names)
        parts.append(f"IF TG_OP = '{operation}' THEN {notes} END IF;")
    parts.append("IF TG_OP = 'TRUNCATE' THEN INSERT INTO letter_generation_pending "
                 f"(txid, letter_id) VALUES (pg_current_xact_id()::text, {PEOPLE}) "
                 "ON CONFLICT DO NOTHING; END IF;")
    return (f"CREATE OR REPLACE FUNCTION letter_generation_note_{table.name}() "
            "RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN " + " ".join(parts)
            + " RETURN NULL; END $$")


LETTER_BUMP_FUNCTION = """
CREATE OR REPLACE FUNCTION letter_generation_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO letter_generation (letter_id, n) VALUES (NEW.letter_id, 1)
  ON CONFLICT (letter_id) DO UPDATE SET n = letter_generation.n + 1;
  DELETE FROM letter_generation_pending WHERE txid = NEW.txid AND letter_id = NEW.letter_id;
  RETURN NULL;
END $$"""


def _pg_letter_operations(table: Any) -> list[str]:
    found = ["UPDATE", "DELETE"]
    return found if table.name in INSERTS_NOT_COUNTED else ["INSERT", *found]


def _postgresql_letter_ddl() -> list[str]:
    statements = [LETTER_BUMP_FUNCTION, *_postgresql_letter_trigger_drops()]
    for table in _tables():
        statements.append(_pg_note_function(table))
        note = f"EXECUTE FUNCTION letter_generation_note_{table.name}()"
        for operation in _pg_letter_operations(table):
            refs = " ".join(f"{'NEW' if rows == 'new_rows' else 'OLD'} TABLE AS {rows}"
                            for rows in _PG_TRANSITIONS[operation])
            statements.append(
                f"CREATE TRIGGER letter_generation_{table.name}_{operation.lower()} AFTER "
                f"{operation} ON {table.name} REFERENCING {refs} FOR EACH STATEMENT {note}")
        statements.append(f"CREATE TRIGGER letter_generation_{table.name}_truncate AFTER "
                          f"TRUNCATE ON {table.name} FOR EACH STATEMENT {note}")
    statements.append(
        "CREATE CONSTRAINT TRIGGER letter_generation_commit AFTER INSERT ON "
        "letter_generation_pending DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
        "EXECUTE FUNCTION letter_generation_bump()")
    return statements


def _postgresql_letter_trigger_drops() -> list[str]:
    return [*(f"DROP TRIGGER IF EXISTS letter_generation_{table.name}_{operation} "
              f"ON {table.name}" for table in _tables()
              for operation in ("insert", "update", "delete", "truncate")),
            "DROP TRIGGER IF EXISTS letter_generation_commit ON letter_generation_pending"]


def _postgresql_letter_drops() -> list[str]:
    return [*_postgresql_letter_trigger_drops(),
            *(f"DROP FUNCTION IF EXISTS letter_generation_note_{table.name}()"
              for table in _tables()),
            "DROP FUNCTION IF EXISTS letter_generation_bump()"]


# Snapshots: one row trigger per operation, the snapshot's letter (both letters of an update).
def _series_update_of() -> str:
    columns = [c.name for c in Snapshot.__table__.columns if c.name not in SERIES_NOT_COUNTED]
    return "UPDATE OF " + ", ".join(columns)


def _series_bump(letter: str) -> str:
    return (f"INSERT INTO series_generation (letter_id, n) VALUES ({letter}, 1) "
            "ON CONFLICT (letter_id) DO UPDATE SET n = series_generation.n + 1;")


_SERIES_ROWS = {"insert": ("NEW",), "delete": ("OLD",), "update": ("OLD", "NEW")}


def _sqlite_series_ddl() -> list[str]:
    operations = {"insert": "INSERT", "delete": "DELETE", "update": _series_update_of()}
    return [f"CREATE TRIGGER IF NOT EXISTS series_generation_snapshot_{name} AFTER "
            f"{operations[name]} ON snapshot FOR EACH ROW BEGIN "
            + " ".join(_series_bump(f"{row}.letter_id") for row in rows) + " END"
            for name, rows in _SERIES_ROWS.items()]


def _sqlite_series_drops() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS series_generation_snapshot_{name}"
            for name in _SERIES_ROWS]


SERIES_BUMP_FUNCTION = f"""
CREATE OR REPLACE FUNCTION series_generation_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN {_series_bump("OLD.letter_id")} END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN {_series_bump("NEW.letter_id")} END IF;
  RETURN NULL;
END $$"""

SERIES_TRUNCATE_FUNCTION = """
CREATE OR REPLACE FUNCTION series_generation_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO series_generation (letter_id, n) SELECT id, 1 FROM letter
  ON CONFLICT (letter_id) DO UPDATE SET n = series_generation.n + 1;
  RETURN NULL;
END $$"""


def _postgresql_series_ddl() -> list[str]:
    return [SERIES_BUMP_FUNCTION, SERIES_TRUNCATE_FUNCTION, *_postgresql_series_trigger_drops(),
            f"CREATE CONSTRAINT TRIGGER series_generation_snapshot AFTER INSERT OR DELETE OR "
            f"{_series_update_of()} ON snapshot DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
            "EXECUTE FUNCTION series_generation_bump()",
            "CREATE TRIGGER series_generation_snapshot_truncate AFTER TRUNCATE ON snapshot "
            "FOR EACH STATEMENT EXECUTE FUNCTION series_generation_truncate()"]


def _postgresql_series_trigger_drops() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS series_generation_snapshot{suffix} ON snapshot"
            for suffix in ("", "_truncate")]


def _postgresql_series_drops() -> list[str]:
    return [*_postgresql_series_trigger_drops(),
            "DROP FUNCTION IF EXISTS series_generation_bump()",
            "DROP FUNCTION IF EXISTS series_generation_truncate()"]


@event.listens_for(Base.metadata, "after_create")
def _install_after_create(target: Any, connection: Connection, **_: Any) -> None:
    install(connection)
