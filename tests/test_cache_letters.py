"""The read cache per letter: another letter's changes leave a letter's cached answers warm;
its own changes, and changes to people who signed it, still reach its page.

Letter A is the real Mozilla statement (tests/mozilla.py); letter B and every edit below are
synthetic.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from models import Facet, Letter, Person, Signature, SignatureEvent, Snapshot, cache, generation
from models.editing import merge_people
from tests.mozilla import MOZILLA_SLUG

API = f"/api/v1/letters/{MOZILLA_SLUG}"
AT = datetime(2031, 1, 1, tzinfo=UTC)


def letter_token(session: Session, letter_id: int) -> tuple:
    with session.begin():
        found = generation.letter_current(session, letter_id)
    assert found is not None
    return found


def other_letter(session: Session, signers: int = 3) -> int:
    """Letter B: a snapshot and ``signers`` signers, each with a person, event and facet."""
    with session.begin():
        letter = Letter(slug="other-letter", title="Other", url="https://example.org/other",
                        kind="html", options={}, poll_interval_s=900, active=True,
                        created_at=AT, consecutive_failures=0)
        session.add(letter)
        session.flush()
        add_signers(session, letter.id, range(signers))
        return letter.id


def add_signers(session: Session, letter_id: int, numbers: range) -> list[int]:
    """Synthetic signers of ``letter_id`` as a changed poll writes them (one snapshot)."""
    at = AT + timedelta(minutes=numbers.start)
    snapshot = Snapshot(letter_id=letter_id, observed_at=at, last_confirmed_at=at,
                        confirmations=1, listed_count=len(numbers), status="ok",
                        fingerprint_changed=False)
    session.add(snapshot)
    session.flush()
    ids = []
    for number in numbers:
        person = Person(name_key=f"synthetic {letter_id} {number}",
                        display_name=f"Synthetic {number}")
        signature = Signature(letter_id=letter_id, person=person, name_key=person.name_key,
                              name=person.display_name, raw=person.display_name,
                              position=number + 1, first_seen_at=at, last_seen_at=at)
        session.add(signature)
        session.flush()
        session.add_all([SignatureEvent(letter_id=letter_id, signature_id=signature.id,
                                        snapshot_id=snapshot.id, kind="added", at=at),
                         Facet(signature_id=signature.id, key="organization",
                               value="Mozilla", source="rule")])
        ids.append(signature.id)
    session.flush()
    return ids


def mozilla_count(client) -> int:
    data = client.get(f"{API}/composition?facet=organization").get_json()["data"]
    return next((v["signers"] for v in data["values"] if v["value"] == "Mozilla"), 0)


def a_mozilla_signer(session: Session, letter_id: int) -> Signature:
    return session.scalars(select(Signature).join(Facet, Facet.signature_id == Signature.id)
                           .where(Signature.letter_id == letter_id, Facet.value == "Mozilla")
                           .order_by(Signature.id).limit(1)).one()


def test_cache_letters_changed_poll_of_another_letter_leaves_the_entry(
        client, session: Session, mozilla: int) -> None:
    other = other_letter(session)
    cache.READ_CACHE.clear()
    assert mozilla_count(client) == mozilla_count(client) == 24
    entries = dict(cache.READ_CACHE.items)
    before = letter_token(session, mozilla)
    with session.begin():
        added = add_signers(session, other, range(3, 6))
        session.execute(update(Signature).where(Signature.id == added[0])
                        .values(removed_at=AT))
        session.execute(update(Facet).where(Facet.signature_id == added[1])
                        .values(overridden=True))
    assert letter_token(session, mozilla) == before
    assert mozilla_count(client) == 24
    assert all(cache.READ_CACHE.items.get(key) is value for key, value in entries.items())


def test_cache_letters_deleted_rows_of_another_letter_leave_the_token(
        session: Session, mozilla: int) -> None:
    other = other_letter(session)
    before = letter_token(session, mozilla)
    with session.begin():
        session.execute(delete(Facet).where(Facet.signature_id.in_(
            select(Signature.id).where(Signature.letter_id == other))))
    assert letter_token(session, mozilla) == before


def test_cache_letters_an_id_handed_out_again_still_moves_the_token(
        session: Session, mozilla: int) -> None:
    """SQLite may reuse the ids of deleted newest rows: a row of A under B's old id counts."""
    other = other_letter(session)
    letter_token(session, mozilla)
    with session.begin():
        newest = session.scalar(select(Facet).order_by(Facet.id.desc()).limit(1))
        assert newest.signature_id is not None
        freed, signature_id = newest.id, a_mozilla_signer(session, mozilla).id
        session.execute(delete(Facet).where(Facet.signature_id.in_(
            select(Signature.id).where(Signature.letter_id == other))))
    before = letter_token(session, mozilla)
    with session.begin():
        session.add(Facet(id=freed, signature_id=signature_id, key="organization",
                          value="Reused", source="editor"))
    assert letter_token(session, mozilla) != before


def test_cache_letters_own_changes_move_the_token(session: Session, mozilla: int) -> None:
    changes = [
        lambda: add_signers(session, mozilla, range(1000, 1001)),
        lambda: session.add(Facet(signature_id=a_mozilla_signer(session, mozilla).id,
                                  key="organization", value="Elsewhere", source="editor")),
        lambda: session.execute(update(Facet).where(
            Facet.id == session.scalar(select(func_max_facet_of(mozilla))))
            .values(overridden=True)),
        lambda: session.execute(update(Signature).where(Signature.letter_id == mozilla,
                                                        Signature.position == 1)
                                .values(location="Somewhere")),
    ]
    for change in changes:
        before = letter_token(session, mozilla)
        with session.begin():
            change()
        assert letter_token(session, mozilla) != before


def func_max_facet_of(letter_id: int):
    from sqlalchemy import func

    return (select(func.max(Facet.id)).join(Signature, Signature.id == Facet.signature_id)
            .where(Signature.letter_id == letter_id).scalar_subquery())


def test_cache_letters_person_facet_of_a_signer_shows_on_the_page(
        client, session: Session, mozilla: int) -> None:
    """A roster-like fact about a person who signed A (a person-level row) reaches A."""
    other_letter(session)
    url = f"{API}/composition?facet=party"
    assert client.get(url).get_json()["data"]["known"] == 0
    with session.begin():
        person_id = a_mozilla_signer(session, mozilla).person_id
        assert person_id is not None
        session.add(Facet(person_id=person_id, key="party", value="D", source="roster"))
    assert client.get(url).get_json()["data"]["known"] == 1
    with session.begin():
        session.execute(update(Facet).where(Facet.person_id == person_id, Facet.key == "party")
                        .values(overridden=True))
    assert client.get(url).get_json()["data"]["known"] == 0


def test_cache_letters_merge_of_a_person_who_signed_shows_on_the_page(
        client, session: Session, mozilla: int) -> None:
    """An editor merges a signer of A into a person of B whose facts then count on A."""
    other = other_letter(session)
    url = f"{API}/composition?facet=party"
    with session.begin():
        target = session.scalars(select(Signature.person_id).where(
            Signature.letter_id == other).limit(1)).one()
        session.add(Facet(person_id=target, key="party", value="R", source="roster"))
    assert client.get(url).get_json()["data"]["known"] == 0
    with session.begin():
        source = a_mozilla_signer(session, mozilla).person_id
        merge_people(session, source, target, user_id=None, now=AT)
    assert client.get(url).get_json()["data"]["known"] == 1


def test_cache_letters_letter_page_shows_an_edit_to_a_signer(
        client, session: Session, mozilla: int, app: Flask) -> None:
    other = other_letter(session)
    page = f"/letters/{MOZILLA_SLUG}"
    assert b"Edited Org" not in client.get(page).data
    with session.begin():
        add_signers(session, other, range(10, 12))
    client.get(page)
    with session.begin():
        session.execute(update(Facet).where(
            Facet.signature_id == a_mozilla_signer(session, mozilla).id,
            Facet.key == "organization").values(value="Edited Org"))
    assert b"Edited Org" in client.get(page).data
