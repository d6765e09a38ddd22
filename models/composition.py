"""Composition of a letter's signers by one facet, counted in the database.

The signers are the letter's signatures active at ``as_of`` (first seen at or before it and
not removed by then; ``None`` means the current list). Each signer's values for the facet
are its effective ones (``models.people``): its own facets, its person's facets (and those
of people merged into that person), hidden rows left out, and where an editor set the key
only the editor's values. Three grouped queries, whatever the size of the list.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Subquery, func, or_, select, union_all
from sqlalchemy.orm import Session

from enrich.administrations import ADMINISTRATIONS
from enrich.composition import Composition
from enrich.roles import RoleRules, load_rules
from models.signers import Facet, Person, Signature

COMPOSITION_FACETS = ("role_category", "administration", "party", "media_affiliation",
                      "signer_party", "affiliation")
FACET_LABELS = {
    "role_category": "Role",
    "administration": "Administration served under",
    "party": "Party of the administrations served",
    "media_affiliation": "Media affiliation",
    "signer_party": "Signer's party",
    "affiliation": "Affiliation",
}


def value_labels(facet: str, rules: RoleRules | None = None) -> dict[str, str]:
    """Display labels of a facet's values: role categories, administrations; else none."""
    if facet == "role_category":
        return dict((rules or load_rules()).categories)
    if facet == "administration":
        return {admin.key: admin.label for admin in ADMINISTRATIONS}
    return {}


def letter_composition(session: Session, letter_id: int, facet: str, *,
                       as_of: datetime | None = None,
                       rules: RoleRules | None = None) -> Composition:
    """Signers of the letter (as of ``as_of``) counted by their effective ``facet`` values."""
    present = active_conditions(letter_id, as_of)
    total = session.scalar(select(func.count()).select_from(Signature).where(*present)) or 0
    values = _effective_values(present, facet, _merged_people(session))
    counts = {value: count for value, count in session.execute(
        select(values.c.value, func.count()).group_by(values.c.value))}
    per_signer = select(values.c.sid, func.count().label("n")).group_by(values.c.sid).subquery()
    known, most = session.execute(
        select(func.count(), func.max(per_signer.c.n)).select_from(per_signer)).one()
    return Composition(facet, total, known or 0, counts, value_labels(facet, rules),
                       multi_valued=(most or 0) > 1)


def active_conditions(letter_id: int, as_of: datetime | None = None) -> list[Any]:
    """WHERE clauses on Signature: the letter's signatures present at ``as_of`` (None: now)."""
    conditions: list[Any] = [Signature.letter_id == letter_id]
    if as_of is None:
        return [*conditions, Signature.removed_at.is_(None)]
    return [*conditions, Signature.first_seen_at <= as_of,
            or_(Signature.removed_at.is_(None), Signature.removed_at > as_of)]


def _merged_people(session: Session) -> list[int]:
    """Ids of people merged into another (editors' merges: few)."""
    return list(session.scalars(select(Person.id).where(Person.merged_into_id.is_not(None))))


def _effective_values(present: list[Any], facet: str, merged: list[int]) -> Subquery:
    """Distinct (sid, value) pairs after editor precedence.

    Written as plain joins driven by the signature table (no CTE read twice): PostgreSQL
    then plans index lookups even before ANALYZE has seen a freshly written list."""
    visible = (Facet.key == facet, Facet.overridden.is_(False), Facet.value != "")
    person_level = (*visible, Facet.signature_id.is_(None))
    parts = [
        select(Signature.id.label("sid"), Facet.value, Facet.source)
        .join(Facet, Facet.signature_id == Signature.id).where(*present, *visible),
        select(Signature.id.label("sid"), Facet.value, Facet.source)
        .join(Facet, Facet.person_id == Signature.person_id).where(*present, *person_level),
    ]
    if merged:
        parts.append(
            select(Signature.id.label("sid"), Facet.value, Facet.source)
            .join(Person, Person.merged_into_id == Signature.person_id)
            .join(Facet, Facet.person_id == Person.id)
            .where(*present, *person_level, Person.id.in_(merged)))
    rows = union_all(*parts).subquery("facet_rows")
    edited = union_all(*(part.where(Facet.source == "editor").with_only_columns(
        Signature.id) for part in parts))
    return (select(rows.c.sid, rows.c.value)
            .where(or_(rows.c.source == "editor", rows.c.sid.not_in(edited)))
            .distinct().subquery("effective"))
