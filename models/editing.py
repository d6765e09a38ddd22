"""Write helpers for editors: accounts, letter state, reviews, facet overrides, merges.

Every helper takes the session first, flushes and never commits: the caller owns
``with session.begin():``. Each change an editor makes leaves an AuditLog row saying who,
when, and the old and new values, so a reviewer can see and undo it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from models.letters import TRUSTED, Letter, PollLog, Snapshot
from models.overlap import candidate_pairs
from models.rosters import Roster, RosterEntry, RosterMatch
from models.signers import AuditLog, DistinctPeople, Facet, Person, Signature
from models.users import User

USER_NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,80}$")
FACET_KEY = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
FACET_VALUE_MAX = 500
LETTER_FIELDS = ("title", "url", "kind", "options", "poll_interval_s", "organizer")


class EditError(ValueError):
    """An edit that cannot be made; the message says why, in words an editor understands."""


def audit(session: Session, *, user_id: int | None, action: str, target: Any, now: datetime,
          old: Any = None, new: Any = None, note: str | None = None) -> AuditLog:
    """Record one change to ``target`` (a model instance with an ``id``)."""
    entry = AuditLog(at=now, user_id=user_id, action=action,
                     target_type=type(target).__tablename__, target_id=target.id,
                     old_value=old, new_value=new, note=note)
    session.add(entry)
    return entry


# --- accounts ------------------------------------------------------------------------------


def create_user(session: Session, name: str, password_hash: str, now: datetime) -> User:
    """A new active editor; EditError if the name is malformed or taken."""
    if not USER_NAME.match(name):
        raise EditError("a user name is 1-80 letters, digits or . _ @ -")
    if user_by_name(session, name) is not None:
        raise EditError(f"user {name!r} exists already")
    user = User(name=name, password_hash=password_hash, active=True, created_at=now)
    session.add(user)
    session.flush()
    return user


def user_by_name(session: Session, name: str) -> User | None:
    return session.scalar(select(User).where(User.name == name))


def all_users(session: Session) -> Sequence[User]:
    return session.scalars(select(User).order_by(User.name)).all()


def set_user_active(session: Session, name: str, active: bool) -> User:
    """Enable or disable ``name``; a disabled user can no longer sign in."""
    user = user_by_name(session, name)
    if user is None:
        raise EditError(f"no user named {name!r}")
    user.active = active
    session.flush()
    return user


# --- letters -------------------------------------------------------------------------------


def live_letter(session: Session, letter_id: int) -> Letter:
    """The letter unless it is missing or deleted (EditError then)."""
    letter = session.get(Letter, letter_id)
    if letter is None or letter.deleted_at is not None:
        raise EditError(f"no letter #{letter_id}")
    return letter


def update_letter(session: Session, letter: Letter, changes: dict[str, Any], *,
                  user_id: int | None, now: datetime) -> AuditLog | None:
    """Apply the changed LETTER_FIELDS; one audit row with the old and new values."""
    old, new = {}, {}
    for field, value in changes.items():
        if field not in LETTER_FIELDS:
            raise EditError(f"{field} cannot be edited")
        if getattr(letter, field) != value:
            old[field], new[field] = getattr(letter, field), value
            setattr(letter, field, value)
    if not new:
        return None
    entry = audit(session, user_id=user_id, action="letter.edit", target=letter, now=now,
                  old=old, new=new)
    session.flush()
    return entry


def set_letter_active(session: Session, letter: Letter, active: bool, *,
                      user_id: int | None, now: datetime) -> None:
    """Pause (active False) or resume polling; resuming makes the letter due at once."""
    if letter.active == active:
        return
    audit(session, user_id=user_id, action="letter.resume" if active else "letter.pause",
          target=letter, now=now, old={"active": letter.active}, new={"active": active})
    letter.active = active
    if active:
        letter.next_due_at = now
    session.flush()


def queue_poll(session: Session, letter: Letter, *, user_id: int | None, now: datetime) -> None:
    """Make the letter due now, so the scheduler polls it on its next tick."""
    audit(session, user_id=user_id, action="letter.poll_now", target=letter, now=now,
          old={"next_due_at": _iso(letter.next_due_at)}, new={"next_due_at": _iso(now)})
    letter.next_due_at = now
    session.flush()


def soft_delete_letter(session: Session, letter: Letter, *, user_id: int | None,
                       now: datetime) -> None:
    """Hide the letter and stop polling; its snapshots, signers and archive stay."""
    audit(session, user_id=user_id, action="letter.delete", target=letter, now=now,
          old={"deleted_at": None, "active": letter.active},
          new={"deleted_at": _iso(now), "active": False})
    letter.deleted_at = now
    letter.active = False
    session.flush()


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


# --- review: suspect snapshots, poll log ---------------------------------------------------


def suspect_snapshots(session: Session, limit: int = 200) -> Sequence[Snapshot]:
    return session.scalars(
        select(Snapshot).where(Snapshot.status == "suspect")
        .order_by(Snapshot.observed_at.desc()).limit(limit)
    ).all()


def recent_poll_logs(session: Session, limit: int = 200) -> Sequence[PollLog]:
    return session.scalars(
        select(PollLog).order_by(PollLog.started_at.desc(), PollLog.id.desc()).limit(limit)
    ).all()


def decide_snapshot(session: Session, snapshot_id: int, confirm: bool, *,
                    user_id: int | None, now: datetime) -> Snapshot:
    """Confirm a suspect snapshot (status ok) or reject it (status rejected)."""
    snapshot = session.get(Snapshot, snapshot_id)
    if snapshot is None or snapshot.status != "suspect":
        raise EditError(f"snapshot #{snapshot_id} is not waiting for review")
    status = TRUSTED if confirm else "rejected"
    audit(session, user_id=user_id, action=f"snapshot.{'confirm' if confirm else 'reject'}",
          target=snapshot, now=now, old={"status": snapshot.status}, new={"status": status})
    snapshot.status = status
    session.flush()
    return snapshot


# --- facets --------------------------------------------------------------------------------


def override_facet(session: Session, signature_id: int, key: str, value: str, *,
                   user_id: int | None, now: datetime, note: str | None = None) -> Facet:
    """Set ``key`` of a signature by hand: machine values stay, hidden by ``overridden``."""
    signature = session.get(Signature, signature_id)
    if signature is None:
        raise EditError(f"no signature #{signature_id}")
    value = _checked_facet(key, value)
    current = _visible_facets(session, signature_id, key)
    for facet in current:
        facet.overridden = True
    facet = Facet(signature_id=signature_id, key=key, value=value, source="editor",
                  editor_id=user_id, created_at=now)
    session.add(facet)
    session.flush()
    audit(session, user_id=user_id, action="facet.override", target=signature, now=now,
          old={key: [f.value for f in current]}, new={key: [value]}, note=note)
    session.flush()
    return facet


def _checked_facet(key: str, value: str) -> str:
    if not FACET_KEY.match(key):
        raise EditError("a facet key is lowercase letters, digits and _ (at most 60)")
    value = value.strip()
    if not value:
        raise EditError("the facet value is empty")
    if len(value) > FACET_VALUE_MAX:
        raise EditError(f"the facet value is longer than {FACET_VALUE_MAX} characters")
    if "\x00" in value:
        raise EditError("the facet value contains a NUL character")
    return value


def _visible_facets(session: Session, signature_id: int, key: str) -> list[Facet]:
    return list(session.scalars(select(Facet).where(
        Facet.signature_id == signature_id, Facet.key == key, Facet.overridden.is_(False)
    )))


# --- people: merge and split ---------------------------------------------------------------


def merge_people(session: Session, source_id: int, target_id: int, *,
                 user_id: int | None, now: datetime) -> Person:
    """Move every signature of ``source`` to ``target``; source points at target."""
    source, target = _person(session, source_id), _person(session, target_id)
    if source.id == target.id:
        raise EditError("a person cannot be merged into itself")
    if target.merged_into_id is not None:
        raise EditError(f"person #{target.id} was merged into #{target.merged_into_id}")
    moved = [s.id for s in source.signatures]
    for signature in list(source.signatures):
        signature.person = target
    source.merged_into_id = target.id
    audit(session, user_id=user_id, action="person.merge", target=source, now=now,
          old={"person_id": source.id, "signature_ids": moved},
          new={"person_id": target.id, "merged_into_id": target.id})
    session.flush()
    return target


def split_person(session: Session, person_id: int, signature_ids: Iterable[int], *,
                 user_id: int | None, now: datetime) -> Person:
    """Give the chosen signatures of a person a new person of their own."""
    person = _person(session, person_id)
    chosen = set(signature_ids)
    owned = {s.id: s for s in person.signatures}
    if not chosen or not chosen <= owned.keys():
        raise EditError(f"choose one or more signatures of person #{person_id}")
    if chosen == owned.keys():
        raise EditError("leave at least one signature with the original person")
    first = owned[min(chosen)]
    newcomer = Person(name_key=first.name_key, display_name=first.name, created_at=now)
    session.add(newcomer)
    for signature_id in sorted(chosen):
        owned[signature_id].person = newcomer
    session.flush()
    audit(session, user_id=user_id, action="person.split", target=person, now=now,
          old={"person_id": person.id, "signature_ids": sorted(chosen)},
          new={"person_id": newcomer.id})
    session.flush()
    return newcomer


def queued_pair(session: Session, person_id: int, other_id: int) -> tuple[Person, Person]:
    """The two people, older first, if they wait in the review queue as possibly one
    (models.overlap.candidate_pairs); EditError otherwise."""
    found = candidate_pairs(session, 1, between=(person_id, other_id))
    if not found:
        raise EditError(f"people #{person_id} and #{other_id} are not waiting for review")
    return found[0]


def confirm_pair(session: Session, person_id: int, other_id: int, *, user_id: int | None,
                 now: datetime) -> Person:
    """One human: the newer person is merged into the older (``merge_people``)."""
    older, newer = queued_pair(session, person_id, other_id)
    return merge_people(session, newer.id, older.id, user_id=user_id, now=now)


def reject_pair(session: Session, person_id: int, other_id: int, *, user_id: int | None,
                now: datetime) -> DistinctPeople:
    """Two humans: remembered, so the pair never waits for review again."""
    older, newer = queued_pair(session, person_id, other_id)
    told = DistinctPeople(person_id=older.id, other_id=newer.id, decided_by_id=user_id,
                          decided_at=now)
    session.add(told)
    audit(session, user_id=user_id, action="person.distinct", target=older, now=now,
          new={"distinct_from": newer.id})
    session.flush()
    return told


def signed_letters(session: Session, person_ids: Iterable[int]
                   ) -> dict[int, list[tuple[Signature, Letter]]]:
    """Person id -> its signatures and those of people merged into it, with their letters,
    oldest first (deleted letters left out): what an editor weighs in the review queue."""
    ids = list(set(person_ids))
    if not ids:
        return {}
    owner = func.coalesce(Person.merged_into_id, Person.id)
    stmt = (select(owner, Signature, Letter).join(Person, Person.id == Signature.person_id)
            .join(Letter, Letter.id == Signature.letter_id)
            .where(or_(Person.id.in_(ids), Person.merged_into_id.in_(ids)),
                   Letter.deleted_at.is_(None))
            .order_by(Signature.first_seen_at, Signature.id))
    out: dict[int, list[tuple[Signature, Letter]]] = {}
    for person_id, signature, letter in session.execute(stmt):
        out.setdefault(person_id, []).append((signature, letter))
    return out


def pair_rows(session: Session, pairs: Sequence[tuple[Person, Person]]
              ) -> list[dict[str, Any]]:
    """Each queued pair with the letters each person signed, for the review page."""
    letters = signed_letters(session, [p.id for pair in pairs for p in pair])
    return [{"people": [{"person": p, "signed": letters.get(p.id, [])} for p in pair]}
            for pair in pairs]


def _person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise EditError(f"no person #{person_id}")
    return person


# --- rosters -------------------------------------------------------------------------------


def pending_matches(session: Session, limit: int = 200) -> Sequence[RosterMatch]:
    return session.scalars(
        select(RosterMatch).where(RosterMatch.status == "pending")
        .order_by(RosterMatch.score.desc(), RosterMatch.id).limit(limit)
    ).all()


def recent_audit(session: Session, limit: int = 200) -> Sequence[AuditLog]:
    return session.scalars(
        select(AuditLog).order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(limit)
    ).all()


def match_rows(session: Session, matches: Sequence[RosterMatch]) -> list[dict[str, Any]]:
    """Each match with its roster entry and person, for the review page."""
    entries = {e.id: e for e in session.scalars(select(RosterEntry).where(
        RosterEntry.id.in_([m.roster_entry_id for m in matches])))}
    people = {p.id: p for p in session.scalars(select(Person).where(
        Person.id.in_([m.person_id for m in matches])))}
    signed = signed_letters(session, people)
    return [{"match": m, "entry": entries.get(m.roster_entry_id),
             "person": people.get(m.person_id), "signed": signed.get(m.person_id, [])}
            for m in matches]


def all_rosters(session: Session) -> Sequence[Roster]:
    return session.scalars(select(Roster).order_by(Roster.imported_at.desc())).all()
