"""Overlap between letters: who signed both, counted per person in SQL (issue 18).

A signer counts as its person. Persons already carry every rule: the tracker links a new
signer to a person by name key, else by match key ("DOE, Jane", "Jane Q. Doe": see
``models.history.link_persons``) when the middle initials agree; an editor's merge moves the
signatures to the person kept, and a split gives the chosen ones a person of their own (with
no match key, so no key joins it again). People of one match key whose initials disagree
("Jane Q. Doe", "Jane R. Doe") stay apart: *candidates* in the editors' review queue
(/admin/matches), never counted together; an editor merges them or tells them apart for
good. A letter's count is its people on the list (now, or as of a time), so one person
printed twice on a letter counts once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, case, distinct, func, or_, select, tuple_, union_all
from sqlalchemy.orm import Session, aliased

from models.bulk import chunks
from models.letters import Letter
from models.reads import Page, SignerQuery, matching_signers
from models.rosters import RosterMatch
from models.signers import DistinctPeople, Person, Signature

MAX_LETTERS = 20
REGION_LETTERS = 8  # exclusive regions (UpSet rows) for at most this many letters


@dataclass(frozen=True)
class Pair:
    """Two letters: how many people each has on its list and how many are on both."""

    a: int
    b: int
    a_count: int
    b_count: int
    shared: int

    @property
    def only_a(self) -> int:
        return self.a_count - self.shared

    @property
    def only_b(self) -> int:
        return self.b_count - self.shared

    def share_of(self, letter_id: int) -> float | None:
        """``shared`` as a fraction of one of the two letters' counts (None if empty)."""
        total = self.a_count if letter_id == self.a else self.b_count
        return self.shared / total if total else None


@dataclass(frozen=True)
class Overlap:
    """The letters asked for, in order, with every pair and (for few letters) the regions."""

    letters: list[Letter]
    totals: dict[int, int]
    shared: dict[tuple[int, int], int]
    regions: list[tuple[tuple[int, ...], int]] = field(default_factory=list)

    def pair(self, a: int, b: int) -> Pair:
        shared = self.shared.get((min(a, b), max(a, b)), 0)
        return Pair(a, b, self.totals.get(a, 0), self.totals.get(b, 0), shared)

    def pairs(self) -> Iterator[Pair]:
        """Each unordered pair once, in the order the letters were asked for."""
        for n, first in enumerate(self.letters):
            for second in self.letters[n + 1:]:
                yield self.pair(first.id, second.id)


@dataclass(frozen=True)
class SharedPerson:
    """A person on several letters, with its signatures on each letter."""

    person: Person
    signatures: dict[int, list[Signature]]


# ---------------------------------------------------------------- who is on a list

def signed(letter_ids: Sequence[int], as_of: datetime | None,
           links: dict[int, int] | None = None) -> Any:
    """(letter_id, person_id, id, ident) of the signatures on the letters' lists at
    ``as_of``; ``ident`` is the id the signer counts as (``identity``)."""
    columns = [Signature.letter_id, Signature.person_id, Signature.id,
               identity(Signature.person_id, links or {}).label("ident")]
    if as_of is None:
        return select(*columns).where(Signature.letter_id.in_(letter_ids),
                                      Signature.removed_at.is_(None),
                                      Signature.person_id.is_not(None)).subquery("signed")
    query = SignerQuery(as_of=as_of, include_removed=False)
    return union_all(*(matching_signers(letter_id, query, columns)
                       .where(Signature.person_id.is_not(None))
                       for letter_id in letter_ids)).subquery("signed")


# ---------------------------------------------------------------- counts

def overlap(session: Session, letters: Sequence[Letter], as_of: datetime | None = None
            ) -> Overlap:
    """Every pair of ``letters`` and, for three to REGION_LETTERS, the exclusive regions.

    Counted per person in SQL, then corrected in Python for the few people that roster
    links join (``roster_links``), from those people's own rows only."""
    ids = [letter.id for letter in letters]
    if not ids:
        return Overlap([], {}, {})
    rows = signed(ids, as_of)
    totals = {letter_id: count for letter_id, count in session.execute(
        select(rows.c.letter_id, func.count(distinct(rows.c.person_id)))
        .group_by(rows.c.letter_id))}
    masks = _masks(session, rows, ids) if 3 <= len(ids) <= REGION_LETTERS else None
    shared = _shared(session, ids, as_of)
    links = roster_links(session)
    if links:
        _join_linked(_linked_rows(session, ids, as_of, links), links, ids, totals, shared,
                     masks)
    regions = [(tuple(lid for n, lid in enumerate(ids) if mask >> n & 1), count)
               for mask, count in (masks or {}).items() if count]
    return Overlap(list(letters), totals, shared,
                   sorted(regions, key=lambda row: (-row[1], len(row[0]))))


# ---------------------------------------------------------------- roster links

LINKED = ("auto", "confirmed")  # a pending (fuzzy) roster match links nobody


def roster_links(session: Session) -> dict[int, int]:
    """Person id -> the least person id of its group, for the people matched (exactly or
    by an editor's confirmation) to one roster entry with another person: one human.

    A match naming a person merged since counts for the person kept."""
    person = func.coalesce(Person.merged_into_id, Person.id)
    several = (select(RosterMatch.roster_entry_id).join(Person, Person.id == RosterMatch.person_id)
               .where(RosterMatch.status.in_(LINKED)).group_by(RosterMatch.roster_entry_id)
               .having(func.count(distinct(person)) > 1))
    rows = session.execute(
        select(RosterMatch.roster_entry_id, person).join(Person, Person.id == RosterMatch.person_id)
        .where(RosterMatch.status.in_(LINKED), RosterMatch.roster_entry_id.in_(several)))
    by_entry: dict[int, set[int]] = {}
    for entry_id, person_id in rows:
        by_entry.setdefault(entry_id, set()).add(person_id)
    return linked_groups(by_entry.values())


def linked_groups(groups: Iterator[set[int]] | Any) -> dict[int, int]:
    """Each id of overlapping ``groups`` -> the least id of its union (union-find)."""
    parent: dict[int, int] = {}

    def root(node: int) -> int:
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    for group in groups:
        roots = sorted({root(node) for node in group})
        for other in roots[1:]:
            parent[other] = roots[0]
    return {node: root(node) for node in parent}


def _linked_rows(session: Session, ids: Sequence[int], as_of: datetime | None,
                 links: dict[int, int]) -> list[tuple[int, int]]:
    """(letter id, person id) of the linked people on the letters' lists."""
    rows = signed(ids, as_of)
    found: list[tuple[int, int]] = []
    for chunk in chunks(list(links)):
        found += [(letter_id, person_id) for letter_id, person_id in session.execute(
            select(rows.c.letter_id, rows.c.person_id).distinct()
            .where(rows.c.person_id.in_(chunk)))]
    return found


def _join_linked(rows: list[tuple[int, int]], links: dict[int, int], ids: Sequence[int],
                 totals: dict[int, int], shared: dict[tuple[int, int], int],
                 masks: dict[int, int] | None) -> None:
    """Count each group of linked people once in ``totals``, ``shared`` and ``masks``
    (counted per person so far), in place."""
    groups: dict[int, dict[int, set[int]]] = {}
    for letter_id, person_id in rows:
        groups.setdefault(links[person_id], {}).setdefault(letter_id, set()).add(person_id)
    bit = {letter_id: 1 << n for n, letter_id in enumerate(ids)}
    for on in groups.values():
        for letter_id, people in on.items():
            totals[letter_id] -= len(people) - 1
        for a, b in ((a, b) for a in on for b in on if a < b):
            shared[(a, b)] = shared.get((a, b), 0) + 1 - len(on[a] & on[b])
        if masks is not None:
            _join_masks(on, bit, masks)


def _join_masks(on: dict[int, set[int]], bit: dict[int, int], masks: dict[int, int]) -> None:
    people: dict[int, int] = {}
    for letter_id, group in on.items():
        for person_id in group:
            people[person_id] = people.get(person_id, 0) | bit[letter_id]
    for mask in people.values():
        masks[mask] -= 1
    union = 0
    for mask in people.values():
        union |= mask
    masks[union] = masks.get(union, 0) + 1


def identity(person_id: Any, links: dict[int, int]) -> Any:
    """The SQL id a signer counts as: its person, or the least person of its roster link."""
    moved = {p: canon for p, canon in links.items() if p != canon}
    if not moved:
        return person_id
    # The IN test first (an index over its list): the CASE of every pair is read linearly,
    # so it runs only for the few rows that move.
    return case((person_id.in_(list(moved)), case(moved, value=person_id)), else_=person_id)


def _shared(session: Session, ids: Sequence[int], as_of: datetime | None
            ) -> dict[tuple[int, int], int]:
    """(a, b) with a < b -> people on both lists.

    Now: each signature of the letters probes its person's other signatures, both sides
    read from an index alone (ix_signature_letter_removed_person, ix_signature_person_letter);
    as of a time, the lists rebuilt from events are joined instead."""
    if as_of is None:
        a, b = Signature, aliased(Signature)
        on_list = [a.letter_id.in_(ids), a.removed_at.is_(None), b.letter_id.in_(ids),
                   b.removed_at.is_(None)]
        stmt = (select(a.letter_id, b.letter_id, func.count(distinct(a.person_id)))
                .join(b, and_(b.person_id == a.person_id, b.letter_id > a.letter_id))
                .where(*on_list).group_by(a.letter_id, b.letter_id))
    else:
        found = signed(ids, as_of)
        other = signed(ids, as_of).alias("other")
        stmt = (select(found.c.letter_id, other.c.letter_id,
                       func.count(distinct(found.c.person_id)))
                .join(other, and_(other.c.person_id == found.c.person_id,
                                  other.c.letter_id > found.c.letter_id))
                .group_by(found.c.letter_id, other.c.letter_id))
    return {(first, second): count for first, second, count in session.execute(stmt)}


def _masks(session: Session, rows: Any, ids: list[int]) -> dict[int, int]:
    """Letters as a bit mask (bit n: the nth letter) -> people on exactly those letters."""
    on = select(rows.c.letter_id, rows.c.person_id).distinct().subquery()
    bit = case(*((on.c.letter_id == letter_id, 1 << n) for n, letter_id in enumerate(ids)),
               else_=0)
    masks = select(func.sum(bit).label("mask")).group_by(on.c.person_id).subquery()
    stmt = select(masks.c.mask, func.count()).group_by(masks.c.mask)
    return {mask: count for mask, count in session.execute(stmt)}


# ---------------------------------------------------------------- who

def _on_several(rows: Any, least: int) -> Select[Any]:
    """The identities on at least ``least`` of the letters of ``rows`` (``signed``)."""
    return (select(rows.c.ident.label("ident")).group_by(rows.c.ident)
            .having(func.count(distinct(rows.c.letter_id)) >= least))


def shared_people(session: Session, a: int, b: int, as_of: datetime | None, page: int,
                  per_page: int) -> Page:
    """One page of the people on both letters, by name, each with its signatures."""
    links = roster_links(session)
    both = _on_several(signed([a, b], as_of, links), 2).subquery("both")
    total = session.scalar(select(func.count()).select_from(both)) or 0
    people = list(session.scalars(
        select(Person).join(both, both.c.ident == Person.id)
        .order_by(Person.display_name, Person.id).offset((page - 1) * per_page).limit(per_page)))
    signatures = _signatures_of(session, signed([a, b], as_of, links), [p.id for p in people])
    return Page([SharedPerson(p, signatures.get(p.id, {})) for p in people], page, per_page,
                total)


def _signatures_of(session: Session, rows: Any, idents: list[int]
                   ) -> dict[int, dict[int, list[Signature]]]:
    """ident -> letter id -> its signatures among ``rows`` (``signed``), in list order."""
    if not idents:
        return {}
    stmt = (select(rows.c.ident, Signature).join(Signature, Signature.id == rows.c.id)
            .where(rows.c.ident.in_(idents)).order_by(Signature.position))
    out: dict[int, dict[int, list[Signature]]] = {}
    for ident, signature in session.execute(stmt):
        out.setdefault(ident, {}).setdefault(signature.letter_id, []).append(signature)
    return out


def shared_rows(session: Session, letter_ids: Sequence[int], as_of: datetime | None
                ) -> Iterator[tuple[int, str, dict[int, datetime]]]:
    """(person id, name, letter id -> first seen) of each person on two or more of the
    letters, by name: the rows of shared.csv."""
    links = roster_links(session)
    rows = signed(letter_ids, as_of, links)
    several = _on_several(signed(letter_ids, as_of, links), 2).subquery("several")
    stmt = (select(Person.id, Person.display_name, Signature.letter_id,
                   func.min(Signature.first_seen_at))
            .select_from(rows).join(Signature, Signature.id == rows.c.id)
            .join(several, several.c.ident == rows.c.ident)
            .join(Person, Person.id == rows.c.ident)
            .group_by(Person.id, Person.display_name, Signature.letter_id)
            .order_by(Person.display_name, Person.id))
    current: tuple[int, str, dict[int, datetime]] | None = None
    for person_id, name, letter_id, first_seen in session.execute(stmt):
        if current is None or current[0] != person_id:
            if current is not None:
                yield current
            current = (person_id, name, {})
        current[2][letter_id] = first_seen
    if current is not None:
        yield current


def candidates(session: Session, letter_ids: Sequence[int], limit: int = 50
               ) -> list[tuple[Person, Person]]:
    """The review queue's pairs (``candidate_pairs``) of which one is on these letters'
    lists: not counted together unless an editor merges them."""
    rows = signed(letter_ids, None)
    mine = select(Person.match_key).join(rows, rows.c.person_id == Person.id)
    return candidate_pairs(session, limit, keys=mine)


def candidate_pairs(session: Session, limit: int = 200, *, keys: Any = None,
                    between: tuple[int, int] | None = None) -> list[tuple[Person, Person]]:
    """Pairs of unmerged people (older first) who share a match key, their middle initials
    differing (or both stored before the key), and whom no editor has told apart
    (``DistinctPeople``); by key, then by id. ``keys`` (a select of match keys) or
    ``between`` (two person ids) narrow it."""
    older, newer = aliased(Person), aliased(Person)
    # The keys of several people first (one pass over ix_person_match_key): without them
    # SQLite walks every person to probe for a partner (3 s at 200,000 people, not 0.1 s).
    shared_keys = (select(Person.match_key).where(Person.match_key.is_not(None))
                   .group_by(Person.match_key).having(func.count() > 1))
    stmt = (select(older, newer)
            .join(newer, and_(newer.match_key == older.match_key, newer.id > older.id))
            .where(older.match_key.in_(shared_keys), older.merged_into_id.is_(None),
                   newer.merged_into_id.is_(None),
                   tuple_(older.id, newer.id).not_in(told_apart()))
            .order_by(older.match_key, older.id, newer.id).limit(limit))
    if keys is not None:
        stmt = stmt.where(older.match_key.in_(keys))
    if between is not None:
        stmt = stmt.where(older.id == min(between), newer.id == max(between))
    return [(a, b) for a, b in session.execute(stmt)]


def told_apart() -> Select[Any]:
    """(lesser id, greater id) of each pair an editor judged different, each person read as
    the one it has since been merged into (one level, as ``roster_links``)."""
    one, two = aliased(Person), aliased(Person)
    first = func.coalesce(one.merged_into_id, one.id)
    second = func.coalesce(two.merged_into_id, two.id)
    return (select(case((first < second, first), else_=second),
                   case((first < second, second), else_=first))
            .select_from(DistinctPeople)
            .join(one, one.id == DistinctPeople.person_id)
            .join(two, two.id == DistinctPeople.other_id))


# ---------------------------------------------------------------- one person, one letter

def person_letters(session: Session, person_id: int) -> list[tuple[Signature, Letter]]:
    """Every signature of the person, of people merged into it and of people its roster
    links join, with its letter, oldest first (deleted letters left out)."""
    links = roster_links(session)
    canon = links.get(person_id)
    people = {person_id} | {p for p, c in links.items() if canon is not None and c == canon}
    merged = select(Person.id).where(Person.merged_into_id.in_(people))
    stmt = (select(Signature, Letter).join(Letter, Letter.id == Signature.letter_id)
            .where(or_(Signature.person_id.in_(people), Signature.person_id.in_(merged)),
                   Letter.deleted_at.is_(None))
            .order_by(Signature.first_seen_at, Signature.id))
    return [(signature, letter) for signature, letter in session.execute(stmt)]


def common_letters(session: Session, letter_id: int, limit: int = 5
                   ) -> tuple[tuple[str, str, int], ...]:
    """(slug, title, people in common) of the letters with the most people now on
    ``letter_id``'s list, most first: the likeliest found by person, then counted by
    ``overlap``."""
    a, b = Signature, aliased(Signature)
    count = func.count(distinct(a.person_id))
    likely = (select(Letter).join(b, b.letter_id == Letter.id)
              .join(a, and_(a.person_id == b.person_id, a.letter_id == letter_id,
                            a.removed_at.is_(None)))
              .where(b.letter_id != letter_id, b.removed_at.is_(None),
                     Letter.deleted_at.is_(None))
              .group_by(Letter.id).order_by(count.desc(), Letter.id).limit(2 * limit))
    others = list(session.scalars(likely))
    me = session.get(Letter, letter_id)
    if me is None or not others:
        return ()
    result = overlap(session, [me, *others])
    ranked = sorted(others, key=lambda other: (-result.pair(me.id, other.id).shared, other.id))
    return tuple((other.slug, other.title, result.pair(me.id, other.id).shared)
                 for other in ranked[:limit] if result.pair(me.id, other.id).shared)
