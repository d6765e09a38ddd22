"""A signer as exported (the signers CSV, the JSON export, the API): its columns and the one
SELECT that forms them, cells and all, in the database.

``SIGNER_COLUMNS`` derive from the stored shape (``models.history.PRINTED_FIELDS``); each
facet key adds a values and a sources column. Text cells go through ``text_cell``:
``neutralised_sql`` for CSV, as stored (``as_stored``) for JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Select, case, func, literal, select, true
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session

from models.base import iso_utc_sql
from models.facets import effective_facet_rows
from models.formulas import neutralised_sql
from models.history import PRINTED_TEXT_FIELDS
from models.reads import Page, SignerQuery, in_order, matching_signers, signers_total
from models.signers import Facet, Signature

EXPORT_TIMES = ("first_seen_at", "last_seen_at", "removed_at")
SIGNER_COLUMNS = ("position", *PRINTED_TEXT_FIELDS, "status", *EXPORT_TIMES, "person_id")
TextCell = Callable[[Any], Any]


def as_stored(cell: Any) -> Any:
    """A text cell as the database holds it (JSON needs no formula quoting)."""
    return cell


def signer_columns(keys: Sequence[str]) -> list[str]:
    """The signer columns, then a value and a source column per facet key."""
    return [*SIGNER_COLUMNS, *(c for key in keys for c in (key, f"{key}_source"))]


def facet_cell_labels(keys: Sequence[str]) -> list[str]:
    """The SELECT's labels of the facet cells: ``v{n}`` and ``s{n}`` for the nth key."""
    return [label for n in range(len(keys)) for label in (f"v{n}", f"s{n}")]


def signer_record(row: Any, keys: Sequence[str]) -> dict[str, Any]:
    """A row of ``signer_cells_select`` as a flat record: the signer columns, then the values
    and sources of each facet key the signer has."""
    cells: Mapping[str, Any] = row._mapping
    record = {name: cells[name] for name in SIGNER_COLUMNS}
    for n, key in enumerate(keys):
        if cells[f"v{n}"] is not None:
            record[key], record[f"{key}_source"] = cells[f"v{n}"], cells[f"s{n}"]
    return record


def signer_cells_select(dialect: str, letter_id: int, query: SignerQuery, keys: Sequence[str],
                        *, text_cell: TextCell = neutralised_sql,
                        with_id: bool = False,
                        window: tuple[int, int] | None = None) -> Select[Any]:
    """The one SELECT of a signer export: matching signers in order, cells formed in SQL.

    Each row: ``SIGNER_COLUMNS`` (times as ISO 8601 UTC text), then per key its values and
    sources joined by "; " (value, id order) over the signer's live facets and its person's,
    labelled as ``facet_cell_labels``; ``with_id`` puts the signature id first, as ``id``;
    ``window`` (offset, limit): the caller reads only those rows, so SQLite's facet pass
    reads only theirs."""
    stmt = in_order(matching_signers(letter_id, query, [Signature.id]), query)
    removed = stmt.selected_columns.removed.element
    cells = [_signer_cell(name, removed, dialect, text_cell).label(name)
             for name in SIGNER_COLUMNS]
    facet_cells: list[Any] = []
    if keys and dialect == "postgresql":
        stmt, facet_cells = _lateral_facet_cells(stmt, keys, text_cell)
    elif keys:
        stmt, facet_cells = _grouped_facet_cells(stmt, letter_id, query, keys, text_cell,
                                                 window)
    labelled = [cell.label(label)
                for cell, label in zip(facet_cells, facet_cell_labels(keys), strict=True)]
    ids = [Signature.id.label("id")] if with_id else []
    return stmt.with_only_columns(*ids, *cells, *labelled)


def _signer_cell(name: str, removed: Any, dialect: str, text_cell: TextCell) -> Any:
    if name == "status":
        return case((removed, "removed"), else_="listed")
    if name in EXPORT_TIMES:
        return iso_utc_sql(getattr(Signature, name), dialect)
    column = getattr(Signature, name)
    return text_cell(column) if name in PRINTED_TEXT_FIELDS else column


def iter_signer_cells(session: Session, letter_id: int, query: SignerQuery,
                      keys: Sequence[str], *, text_cell: TextCell = neutralised_sql,
                      batch: int = 5000) -> Iterator[Sequence[Any]]:
    """``signer_cells_select``'s rows, streamed ``batch`` rows per fetch. Core rows only."""
    stmt = signer_cells_select(session.get_bind().dialect.name, letter_id, query, keys,
                               text_cell=text_cell)
    connection = session.connection().execution_options(stream_results=True, yield_per=batch)
    yield from connection.execute(stmt).partitions()


def signer_cells_page(session: Session, letter_id: int, query: SignerQuery,
                      keys: Sequence[str], page: int, per_page: int, *,
                      version: Hashable | None = None) -> Page:
    """One page of ``signer_cells_select`` rows (with ids, text as stored) and the total."""
    offset = (page - 1) * per_page
    stmt = signer_cells_select(session.get_bind().dialect.name, letter_id, query, keys,
                               text_cell=as_stored, with_id=True, window=(offset, per_page))
    rows = session.connection().execute(stmt.offset(offset).limit(per_page))
    return Page(list(rows), page, per_page,
                signers_total(session, letter_id, query, version=version))


FacetCellsJoin = tuple[Select[Any], list[Any]]


def _lateral_facet_cells(stmt: Select[Any], keys: Sequence[str],
                         text_cell: Callable[[Any], Any]) -> FacetCellsJoin:
    """PostgreSQL: one LATERAL aggregate per signer over its effective facets of ``keys``
    (``models.facets``), each key's values and sources by ``string_agg(.. ORDER BY v, id)``.

    Per-row index lookups like a correlated subquery (no plan hangs on statistics), but
    one per signer instead of two per key."""
    of_keys = [Facet.key.in_(keys)]
    rows = effective_facet_rows(Signature.id, Signature.person_id, own=of_keys,
                                of_person=of_keys, correlate=Signature)
    in_order = aggregate_order_by(literal("; "), rows.c.v, rows.c.i)
    joined = select(*(func.string_agg(rows.c[cell], in_order).filter(rows.c.k == key)
                      .label(f"{cell}{n}")
                      for n, key in enumerate(keys) for cell in ("v", "s"))).lateral("facets")
    return stmt.join(joined, true()), [text_cell(column) for column in joined.c]


def _grouped_facet_cells(stmt: Select[Any], letter_id: int, query: SignerQuery,
                         keys: Sequence[str], text_cell: Callable[[Any], Any],
                         window: tuple[int, int] | None = None) -> FacetCellsJoin:
    """SQLite: one grouped pass over the matched signers' effective facets, joined by id.

    Per key it keeps how many values a signer has and the least of them: one value is the
    cell as it is; two or more (rare) take the ordered per-row subquery. count and min do
    not depend on the order SQLite feeds a group, which group_concat would."""
    summary = _facet_summary(letter_id, query, keys, window)
    cells = []
    for n, key in enumerate(keys):
        several = summary.c[f"n{n}"] > 1
        cells += [case((several, _ordered_facet_cell(cell, key, text_cell)),
                       else_=text_cell(summary.c[f"{cell}{n}"]))
                  for cell in ("v", "s")]
    return stmt.outerjoin(summary, summary.c.sid == Signature.id), cells


def _facet_summary(letter_id: int, query: SignerQuery, keys: Sequence[str],
                   window: tuple[int, int] | None = None) -> Any:
    """Per matched signer (in ``window``, when given) with any effective facet of ``keys``:
    for each key n, ``n{n}`` values, the least value ``v{n}`` and the least source ``s{n}``."""
    matching = matching_signers(letter_id, query, [Signature.id, Signature.person_id])
    if window is not None:
        matching = in_order(matching, query).offset(window[0]).limit(window[1])
    matched = matching.subquery()
    # "key || ''": SQLite would otherwise walk ix_facet_key_value over every letter's
    # facets; this leaves it the owner's (owner, key) index, one probe per signer.
    of_keys = [(Facet.key + "").in_(keys)]
    rows = effective_facet_rows(matched.c.id, matched.c.person_id, own=of_keys,
                                of_person=of_keys, materialized=True)
    columns = []
    for n, key in enumerate(keys):
        mine = rows.c.k == key
        columns += [func.count(case((mine, 1))).label(f"n{n}"),
                    func.min(case((mine, rows.c.v))).label(f"v{n}"),
                    func.min(case((mine, rows.c.s))).label(f"s{n}")]
    return select(rows.c.sid, *columns).group_by(rows.c.sid).subquery("facet_summary")


def _ordered_facet_cell(cell: str, key: str, text_cell: Callable[[Any], Any]) -> Any:
    """SQLite, per row: ``text_cell`` of column ``cell`` (v or s) over the signer's
    effective ``key`` facets, joined by "; " in value, id order; NULL when none."""
    key_is = [(Facet.key + "") == key]  # the owner's index, as in _facet_summary
    rows = effective_facet_rows(Signature.id, Signature.person_id, own=key_is,
                                of_person=key_is, correlate=Signature)
    # SQLite 3.40: no ORDER BY inside an aggregate; group_concat keeps its input's order
    ordered = select(rows.c[cell].label("cell")).order_by(rows.c.v, rows.c.i).subquery()
    joined = func.group_concat(ordered.c.cell, "; ")
    # Aggregated once in a subquery: text_cell names its argument three times.
    once = select(joined.label("cell")).subquery()
    return select(text_cell(once.c.cell)).scalar_subquery()
