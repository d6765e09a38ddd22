"""Builders for the overlap tests (no tests here): letters whose lists are stored through the
tracker's own write path (models.history.apply_signer_list), so people link as in a poll."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from types import SimpleNamespace

from flask import Flask
from sqlalchemy import select

from enrich.names import name_key
from models.db import session_factory
from models.history import apply_signer_list, signer_row
from models.letters import Letter, Snapshot
from models.queries import add_letter
from models.signers import Signature

AT = datetime(2020, 2, 17, 19, 5, tzinfo=UTC)


def printed(line: str) -> SimpleNamespace:
    """A parsed signer: "Name; role" (the role optional)."""
    name, _, role = line.partition(";")
    return SimpleNamespace(name=name.strip(), raw=line, affiliation=None,
                           role=role.strip() or None, location=None, extra=None)


def post_list(app: Flask, slug: str, lines: Sequence[str], at: datetime = AT) -> None:
    """Store ``lines`` as the letter's list observed at ``at`` (a new snapshot)."""
    with session_factory(app)() as session, session.begin():
        letter = session.scalars(select(Letter).where(Letter.slug == slug)).one()
        snapshot = Snapshot(letter_id=letter.id, observed_at=at, last_confirmed_at=at,
                            reported_count=len(lines), listed_count=len(lines), status="ok")
        session.add(snapshot)
        session.flush()
        seen: dict[str, int] = {}
        rows = []
        for position, line in enumerate(lines, start=1):
            signer = printed(line)
            key = name_key(signer.name)
            seen[key] = seen.get(key, 0) + 1
            rows.append(signer_row(key, seen[key], position, signer))
        apply_signer_list(session, letter, snapshot, rows)


def make_letter(app: Flask, slug: str, lines: Sequence[str], at: datetime = AT) -> int:
    """A letter titled after its slug with ``lines`` on its list; its id."""
    with session_factory(app)() as session, session.begin():
        letter_id = add_letter(session, url=f"https://example.org/{slug}", title=slug.title(),
                               kind="auto", poll_interval_s=900, now=at, slug=slug).id
    post_list(app, slug, lines, at)
    return letter_id


def person_of(app: Flask, slug: str, name: str) -> int:
    """The person id of the signer printed ``name`` on letter ``slug``."""
    with session_factory(app)() as session:
        return session.scalars(select(Signature.person_id).join(
            Letter, Letter.id == Signature.letter_id).where(
            Letter.slug == slug, Signature.name == name)).one()


def signature_of(app: Flask, slug: str, name: str) -> int:
    with session_factory(app)() as session:
        return session.scalars(select(Signature.id).join(
            Letter, Letter.id == Signature.letter_id).where(
            Letter.slug == slug, Signature.name == name)).one()
