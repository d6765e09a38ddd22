"""Machine facets of signatures: parse each signer line and store what it supports.

``write_signature_facets`` runs inside a poll's transaction for the signatures the poll added
(``SignerDiff.added``; ``write_new_signature_facets`` when the poll still holds their rows):
lines with CSV columns (``Signature.extra``) go through
``enrich.lines.parse_fields``, printed lines through ``parse_signer_line``; every
``enrich.facets.FacetValue`` becomes one Facet row (sources printed, rule, derived).
``reenrich_letter`` rewrites those machine facets when the role rules change; roster and
editor facets are never touched, and a machine value an editor hid stays hidden.

Facets depend on the day a line was read ("Trump" in a letter seen in 2020 is the first
term; "since 2015" runs to that day): a poll passes its snapshot's day, and a re-enrichment
uses each signature's own ``first_seen_at``, never the day it runs.

Every function takes the session first and never commits.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from enrich.facets import FacetValue, facet_inputs, facets_for_line
from enrich.lines import ParsedLine, parse_fields, parse_signer_line
from enrich.roles import RoleRules, load_rules
from models.base import utcnow
from models.bulk import chunks, insert_tuples
from models.history import PRINTED_FIELDS, SignerRow
from models.signers import Facet, Signature

MACHINE_SOURCES = ("printed", "rule", "derived")
WRITE_CHUNK = 5000  # facet rows per executemany
KEY_MAX, VALUE_MAX, DETAIL_MAX = 60, 500, 500
ANALYZE_AFTER_ROWS = 50_000
MEMO_ENTRIES = 4096  # distinct facet inputs remembered per call

_SIGNATURE_FIELDS = (Signature.id, *(getattr(Signature, name) for name in PRINTED_FIELDS),
                     Signature.first_seen_at)
FACET_COLUMNS = ("signature_id", "key", "value", "source", "source_detail")
FacetCut = tuple[str, str, str, str | None]  # a facet row's (key, value, source, detail)


def rules_for(config: Mapping[str, Any]) -> RoleRules:
    """The role rules named by ``ROLE_RULES_PATH`` in ``config``, or the shipped ones."""
    return _rules_at(config.get("ROLE_RULES_PATH") or None)


@lru_cache(maxsize=4)
def _rules_at(path: str | None) -> RoleRules:
    return load_rules(path)


def parsed_signature(printed: Any) -> ParsedLine:
    """A signer's printed fields (``history.PRINTED_FIELDS`` as attributes: a SignerRow, a
    Signature, a row of one) read into fields: CSV columns when it has them, else the line."""
    if not printed.extra:
        return parse_signer_line(printed.raw)
    columns: dict[str, str | None] = {str(k): _text(v) for k, v in printed.extra.items()}
    columns.update({"name": printed.name, "role": printed.role,
                    "affiliation": printed.affiliation})
    return parse_fields({k: v for k, v in columns.items() if v})


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def facet_rows(signature_id: int, facts: Sequence[FacetValue]) -> list[tuple[Any, ...]]:
    """Facet rows (``FACET_COLUMNS``) for one signature, without repeats, cut to size.

    Machine facets are written with ``created_at`` now and ``overridden`` false."""
    return [(signature_id, *cut) for cut in _cut_facts(facts)]


def _cut_facts(facts: Sequence[FacetValue]) -> list[FacetCut]:
    """(key, value, source, detail) of each fact, without repeats, cut to the column sizes."""
    cuts, seen = [], set()
    for fact in facts:
        key, value, detail = fact.key[:KEY_MAX], fact.value[:VALUE_MAX], fact.source_detail
        identity = (key, value, fact.source)
        if identity in seen or not value.strip():
            continue
        seen.add(identity)
        cuts.append((key, value, fact.source, detail and detail[:DETAIL_MAX]))
    return cuts


def _facet_cuts_memo(rules: RoleRules) -> Callable[[ParsedLine, date], list[FacetCut]]:
    """``_cut_facts`` of ``facets_for_line``, remembering lines that share their facets."""
    memo: dict[tuple[Any, ...], list[FacetCut]] = {}

    def cuts_of(parsed: ParsedLine, today: date) -> list[FacetCut]:
        inputs = (*facet_inputs(parsed), today)
        cuts = memo.get(inputs)
        if cuts is None:
            if len(memo) >= MEMO_ENTRIES:
                memo.clear()
            cuts = memo[inputs] = _cut_facts(facets_for_line(parsed, rules, today))
        return cuts

    return cuts_of


def facet_cuts(printed: Iterable[SignerRow], rules: RoleRules, today: date
               ) -> list[list[FacetCut]]:
    """The machine facets (``FacetCut``) of each row as of ``today``, in order: what
    ``write_new_signature_facets`` stores for them, worked out without a database (a worker
    process does it for a first list, tracker/parsepool.py)."""
    cuts_of = _facet_cuts_memo(rules)
    return [cuts_of(parsed_signature(_as_stored(row)), today) for row in printed]


def write_signature_facets(session: Session, signature_ids: Sequence[int], *,
                           rules: RoleRules, today: date | None = None) -> int:
    """Parse the given signatures and store their machine facets; returns rows written.

    Each line is read as of ``today``, or when None as of its signature's first observation.
    Signatures that have machine facets already are left alone, so a second call is a no-op."""
    rows = _signature_rows(session, signature_ids)
    return _write_facets(session, ((row.id, row, today or row.first_seen_at) for row in rows),
                         rules)


def write_new_signature_facets(session: Session, signatures: Iterable[tuple[int, SignerRow]],
                               *, rules: RoleRules, today: date,
                               known: Sequence[list[FacetCut]] | None = None) -> int:
    """``write_signature_facets`` for signatures this transaction has just inserted.

    ``signatures`` are (id, the row it was inserted from), in id order: none has facets yet,
    so nothing is read back. ``known``, when given, holds ``facet_cuts`` of the page's rows
    as of ``today`` by position (row.position - 1), worked out already."""
    if known is not None:
        return _insert_cuts(session, ((sid, known[row.position - 1]) for sid, row in signatures))
    cuts_of = _facet_cuts_memo(rules)
    return _insert_cuts(session, ((sid, cuts_of(parsed_signature(_as_stored(row)), today))
                                  for sid, row in signatures))


def _as_stored(row: SignerRow) -> SignerRow:
    """``row`` with its extra as the JSON column gives it back (text columns already are)."""
    extra = row.extra
    if not extra or all(type(k) is str and type(v) is str for k, v in extra.items()):
        return row
    return row._replace(extra=json.loads(json.dumps(extra)))


def _write_facets(session: Session, signatures: Iterable[tuple[int, Any, date | datetime]],
                  rules: RoleRules) -> int:
    """Facets of (signature id, its printed fields, day read); returns rows written."""
    cuts_of = _facet_cuts_memo(rules)
    return _insert_cuts(session, ((sid, cuts_of(parsed_signature(printed), _day(seen)))
                                  for sid, printed, seen in signatures))


def _insert_cuts(session: Session, signatures: Iterable[tuple[int, list[FacetCut]]]) -> int:
    """Store (signature id, its facets) in batches; returns rows written."""
    pending: list[tuple[Any, ...]] = []
    written, now = 0, utcnow()
    for signature_id, cuts in signatures:
        pending += [(signature_id, *cut) for cut in cuts]
        if len(pending) >= WRITE_CHUNK:
            written += _insert_facets(session, pending, now)
            pending = []
    written += _insert_facets(session, pending, now)
    if written >= ANALYZE_AFTER_ROWS:
        _refresh_statistics(session)
    return written


def _day(seen: date | datetime) -> date:
    return seen.date() if isinstance(seen, datetime) else seen


def _refresh_statistics(session: Session) -> None:
    """After a big list lands, let PostgreSQL's planner see it (autovacuum comes later).

    With the empty-table statistics the planner picks nested loops over the whole new list,
    and the composition of a fresh long list is several times slower than after ANALYZE."""
    if session.connection().dialect.name == "postgresql":
        session.execute(text("ANALYZE signature, person, facet"))


def _signature_rows(session: Session, ids: Sequence[int]) -> Iterator[tuple[Any, ...]]:
    """Signatures to enrich; those that have machine facets already are skipped."""
    for chunk in map(list, chunks(ids)):
        done = select(Facet.signature_id).where(Facet.signature_id.in_(chunk),
                                                Facet.source.in_(MACHINE_SOURCES))
        yield from session.execute(select(*_SIGNATURE_FIELDS).where(
            Signature.id.in_(chunk), Signature.id.not_in(done)).order_by(Signature.id))


def _insert_facets(session: Session, rows: list[tuple[Any, ...]], now: datetime) -> int:
    return insert_tuples(session, Facet.__table__, FACET_COLUMNS, rows,
                         {"created_at": now, "overridden": False})


def reenrich_letter(session: Session, letter_id: int, rules: RoleRules) -> int:
    """Replace the machine facets of every signature of the letter; returns rows written.

    Each signature is read as of its own first observation, as the poll that found it did."""
    ids = list(session.scalars(select(Signature.id).where(Signature.letter_id == letter_id)
                               .order_by(Signature.id)))
    hidden = _hidden_machine_facets(session, letter_id)
    session.execute(delete(Facet).where(Facet.signature_id.in_(_letter_signatures(letter_id)),
                                        Facet.source.in_(MACHINE_SOURCES))
                    .execution_options(synchronize_session=False))
    written = write_signature_facets(session, ids, rules=rules)
    _hide_again(session, hidden)
    return written


def _letter_signatures(letter_id: int):
    return select(Signature.id).where(Signature.letter_id == letter_id).scalar_subquery()


def _hidden_machine_facets(session: Session, letter_id: int) -> list[tuple[int, str, str]]:
    """(signature, key, value) of machine facets an editor overrode: they stay hidden."""
    query = select(Facet.signature_id, Facet.key, Facet.value).where(
        Facet.signature_id.in_(_letter_signatures(letter_id)),
        Facet.source.in_(MACHINE_SOURCES), Facet.overridden.is_(True))
    return [tuple(row) for row in session.execute(query)]


def _hide_again(session: Session, hidden: list[tuple[int, str, str]]) -> None:
    for signature_id, key, value in hidden:
        session.execute(update(Facet).where(
            Facet.signature_id == signature_id, Facet.key == key, Facet.value == value,
            Facet.source.in_(MACHINE_SOURCES)).values(overridden=True))
