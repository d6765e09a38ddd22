"""The one-pass composition query against a plain Python reading of the same ORM rows.

SYNTHETIC data only (generated names, no real people): a small letter whose signers have own
and person-level facets, people merged into others, editor values, hidden rows, empty values,
duplicates across sources and removals at known times, next to another letter whose rows
must not count. ``models.composition`` picks the index that drives the query from how many
rows the key has (``_own_conditions``); the other letter makes "role_category" outnumber
this letter's signers while "party" stays rare, so both ways are checked.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Facet, Letter, Person, Signature
from models.composition import COMPOSITION_FACETS, letter_composition

START = datetime(2020, 2, 17, tzinfo=UTC)
KEYS = ("role_category", "party", "administration", "media_affiliation", "signer_party")
VALUES = ("a", "b", "c", "")
SOURCES = ("printed", "rule", "derived", "roster", "editor")
SIGNERS, OTHER_SIGNERS = 40, 60


def _letter(session: Session, slug: str) -> Letter:
    letter = Letter(slug=slug, title=f"Synthetic letter {slug}", url=f"https://example.org/{slug}")
    session.add(letter)
    session.flush()
    return letter


def _signature(letter: Letter, i: int, person: Person | None, rng: random.Random) -> Signature:
    first = START + timedelta(hours=rng.randrange(10))
    removed = first + timedelta(hours=rng.randrange(1, 6)) if rng.random() < 0.25 else None
    return Signature(letter_id=letter.id, person=person, name_key=f"signer {letter.id} {i}",
                     name=f"Signer {i}", raw=f"Signer {i}, Example Org", position=i,
                     first_seen_at=first, last_seen_at=first, removed_at=removed)


def _facets(rng: random.Random, **subject) -> list[Facet]:
    """Random facets of one subject; (value, source) unique per key, as the table requires.

    Up to two rows of "role_category" (many), one in four subjects has the other keys."""
    found = []
    for key in KEYS:
        if key != "role_category" and rng.random() > 0.25:
            continue
        pairs = {(rng.choice(VALUES), rng.choice(SOURCES)) for _ in range(rng.randrange(3))}
        found += [Facet(key=key, value=value, source=source, overridden=rng.random() < 0.2,
                        **subject) for value, source in sorted(pairs)]
    return found


def build(session: Session, seed: int) -> Letter:
    """The synthetic letter (and another), written and committed; returns the first."""
    rng = random.Random(seed)
    letter, other = _letter(session, f"synthetic-{seed}"), _letter(session, f"other-{seed}")
    people = [Person(name_key=f"person {i}", display_name=f"Person {i}") for i in range(30)]
    session.add_all(people)
    session.flush()
    for person in people[20:]:  # merged into one of the first ten, which have signatures
        person.merged_into_id = rng.choice(people[:10]).id
    signatures = [_signature(letter, i, rng.choice([*people[:20], None]), rng)
                  for i in range(SIGNERS)]
    session.add_all(signatures)
    session.flush()
    for signature in signatures:
        session.add_all(_facets(rng, signature_id=signature.id))
    for person in people:
        session.add_all(_facets(rng, person_id=person.id))
    _other_letter(session, other, people, rng)
    session.commit()
    return letter


def _other_letter(session: Session, other: Letter, people: list[Person],
                  rng: random.Random) -> None:
    """Signers of another letter, some the same people, each with a role (outnumbering the
    first letter's signers; the row names the person too) and some with an editor's party:
    none of it may leak into the first letter."""
    signatures = [_signature(other, i, rng.choice([*people, None]), rng)
                  for i in range(OTHER_SIGNERS)]
    session.add_all(signatures)
    session.flush()
    for signature in signatures:
        session.add(Facet(signature_id=signature.id, person_id=signature.person_id,
                          key="role_category", value="x", source="rule"))
        if signature.position % 7 == 0:
            session.add(Facet(signature_id=signature.id, key="party", value="y",
                              source="editor"))


def present(signature: Signature, as_of: datetime | None) -> bool:
    if as_of is None:
        return signature.removed_at is None
    return signature.first_seen_at <= as_of and (
        signature.removed_at is None or signature.removed_at > as_of)


def reference(session: Session, letter_id: int, facet: str,
              as_of: datetime | None = None) -> tuple[int, int, dict[str, int], bool]:
    """(total, known, counts, multi_valued) computed in Python from the ORM rows."""
    signers = [s for s in session.scalars(select(Signature).where(
        Signature.letter_id == letter_id)) if present(s, as_of)]
    merged_into = {p.id: p.merged_into_id for p in session.scalars(select(Person))}
    rows = [f for f in session.scalars(select(Facet).where(Facet.key == facet))
            if not f.overridden and f.value != ""]
    values_of = {}
    for signer in signers:
        owners = {signer.person_id} | {p for p, root in merged_into.items()
                                       if root is not None and root == signer.person_id}
        mine = [f for f in rows if f.signature_id == signer.id or (
            f.signature_id is None and signer.person_id is not None and f.person_id in owners)]
        if any(f.source == "editor" for f in mine):
            mine = [f for f in mine if f.source == "editor"]
        values_of[signer.id] = {f.value for f in mine}
    counts = Counter(value for values in values_of.values() for value in values)
    known = sum(1 for values in values_of.values() if values)
    multi = any(len(values) > 1 for values in values_of.values())
    return len(signers), known, dict(counts), multi


def found(session: Session, letter_id: int, facet: str,
          as_of: datetime | None = None) -> tuple[int, int, dict[str, int], bool]:
    result = letter_composition(session, letter_id, facet, as_of=as_of)
    return result.total, result.known, result.counts, result.multi_valued


AS_OF = [None, START - timedelta(hours=1), START + timedelta(hours=3),
         START + timedelta(hours=7), START + timedelta(days=1)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_letter_composition_matches_python_reference(session: Session, seed: int) -> None:
    letter = build(session, seed)
    for facet in KEYS:
        for as_of in AS_OF:
            assert found(session, letter.id, facet, as_of) == reference(
                session, letter.id, facet, as_of), (facet, as_of)


def test_letter_composition_editor_value_replaces_machine_values(session: Session) -> None:
    letter = _letter(session, "editor-precedence")
    person = Person(name_key="person e", display_name="Person E")
    session.add(person)
    session.flush()
    rng = random.Random(0)
    edited, plain = (_signature(letter, i, person if i == 0 else None, rng) for i in range(2))
    for signature in (edited, plain):
        signature.removed_at = None
    session.add_all([edited, plain])
    session.flush()
    session.add_all([
        Facet(signature_id=edited.id, key="party", value="R", source="rule"),
        Facet(person_id=person.id, key="party", value="D", source="editor"),
        Facet(signature_id=plain.id, key="party", value="R", source="rule"),
        Facet(signature_id=plain.id, key="party", value="R", source="printed"),
        Facet(signature_id=plain.id, key="party", value="I", source="editor", overridden=True),
    ])
    session.commit()
    # The person's editor value wins over the signature's rule; a hidden editor row does not
    # count, so the plain signer keeps its machine value (once, though two sources give it).
    assert found(session, letter.id, "party") == (2, 2, {"D": 1, "R": 1}, False)
    assert found(session, letter.id, "party") == reference(session, letter.id, "party")


def test_letter_composition_counts_merged_people_and_multiple_values(session: Session) -> None:
    letter = _letter(session, "merged-people")
    root, merged = (Person(name_key=f"person {n}", display_name=f"Person {n}") for n in "rm")
    session.add_all([root, merged])
    session.flush()
    merged.merged_into_id = root.id
    signature = _signature(letter, 0, root, random.Random(0))
    signature.removed_at = None
    session.add(signature)
    session.flush()
    session.add_all([
        Facet(person_id=root.id, key="administration", value="obama", source="roster"),
        Facet(person_id=merged.id, key="administration", value="bush-43", source="roster"),
        Facet(person_id=merged.id, key="administration", value="obama", source="derived"),
        Facet(person_id=merged.id, key="administration", value="", source="rule"),
    ])
    session.commit()
    assert found(session, letter.id, "administration") == (
        1, 1, {"obama": 1, "bush-43": 1}, True)


def test_letter_composition_empty_letter(session: Session) -> None:
    letter = _letter(session, "empty")
    session.commit()
    for facet in COMPOSITION_FACETS:
        assert found(session, letter.id, facet) == (0, 0, {}, False)
