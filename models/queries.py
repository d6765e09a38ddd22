"""Read and write helpers over the models. They take the session first and never commit."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from models.letters import TRUSTED, Archive, Letter, Snapshot, SnapshotPage

SLUG_MAX = 80


class DuplicateLetter(ValueError):
    """A letter with that URL or slug is tracked already."""


def slugify(text: str) -> str:
    """A lowercase ASCII slug of ``text`` (at most SLUG_MAX characters, never empty)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:SLUG_MAX].rstrip("-") or "letter"


def unique_slug(session: Session, base: str) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is free."""
    taken = set(session.scalars(select(Letter.slug).where(Letter.slug.like(f"{base}%"))))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def add_letter(session: Session, *, url: str, title: str | None, kind: str,
               poll_interval_s: int, now: datetime, slug: str | None = None,
               options: dict[str, Any] | None = None, organizer: str | None = None) -> Letter:
    """Add a letter due at once; DuplicateLetter if its URL or slug is tracked already."""
    if session.scalar(select(Letter.id).where(Letter.url == url, Letter.deleted_at.is_(None))):
        raise DuplicateLetter(f"{url} is tracked already")
    if slug and session.scalar(select(Letter.id).where(Letter.slug == slug)):
        raise DuplicateLetter(f"the slug {slug!r} is taken")
    slug = slug or unique_slug(session, slugify(title or _url_stem(url)))
    return created_letter(session, slug=slug, title=title or url, url=url, kind=kind,
                          options=options or {}, poll_interval_s=poll_interval_s,
                          organizer=organizer, now=now)


def created_letter(session: Session, *, now: datetime, **fields: Any) -> Letter:
    """A new letter with ``fields``, created and due at ``now`` (the caller checked it)."""
    letter = Letter(created_at=now, next_due_at=now, **fields)
    session.add(letter)
    session.flush()
    return letter


def _url_stem(url: str) -> str:
    return re.sub(r"^https?://(www\.)?", "", url)


def letter_by_slug(session: Session, slug: str) -> Letter | None:
    """The letter with ``slug`` unless it was deleted."""
    if "\x00" in slug:  # no slug holds a NUL, and PostgreSQL refuses one in a string
        return None
    return session.scalar(select(Letter).where(Letter.slug == slug, Letter.deleted_at.is_(None)))


def tracked_letters(session: Session) -> Sequence[Letter]:
    """Every letter not deleted, in order of creation."""
    return session.scalars(
        select(Letter).where(Letter.deleted_at.is_(None)).order_by(Letter.id)
    ).all()


@dataclass(frozen=True)
class ReplacedList:
    """The trusted snapshot since which a letter's page holds a different list."""

    snapshot_id: int
    since: datetime


def replaced_lists(session: Session) -> dict[int, ReplacedList]:
    """Per letter, the newest trusted snapshot that began a different list."""
    stmt = (select(Snapshot.letter_id, Snapshot.id, Snapshot.observed_at)
            .where(Snapshot.trusted, Snapshot.list_replaced.is_(True))
            .order_by(Snapshot.letter_id, Snapshot.observed_at))
    return {letter_id: ReplacedList(snapshot_id, at)
            for letter_id, snapshot_id, at in session.execute(stmt)}


def snapshots_of(letter_id: Any, *, statuses: Sequence[str] | None = (TRUSTED,),
                 as_of: datetime | None = None) -> Select[Any]:
    """The letter's snapshots with one of ``statuses`` (None: any) observed by ``as_of``."""
    stmt = select(Snapshot).where(Snapshot.letter_id == letter_id)
    if statuses is not None:
        stmt = stmt.where(Snapshot.trusted if tuple(statuses) == (TRUSTED,)
                          else Snapshot.status.in_(statuses))
    return stmt if as_of is None else stmt.where(Snapshot.observed_at <= as_of)


def newest_first(letter_id: Any, *, statuses: Sequence[str] | None = (TRUSTED,),
                 as_of: datetime | None = None) -> Select[Any]:
    """``snapshots_of`` newest first: the one order "the newest snapshot" is read in."""
    return snapshots_of(letter_id, statuses=statuses, as_of=as_of).order_by(
        Snapshot.observed_at.desc())


def newest_snapshot(session: Session, letter_id: int, *,
                    statuses: Sequence[str] | None = (TRUSTED,),
                    as_of: datetime | None = None) -> Snapshot | None:
    """The letter's newest snapshot with one of ``statuses`` (default: ok) by ``as_of``."""
    return session.scalar(newest_first(letter_id, statuses=statuses, as_of=as_of).limit(1))


@dataclass(frozen=True)
class LetterSummary:
    letter: Letter
    current: Snapshot | None


def latest_ok_snapshots(session: Session, letter_ids: Sequence[int]) -> dict[int, Snapshot]:
    """The newest snapshot with status ok for each letter id."""
    if not letter_ids:
        return {}
    newest = (
        select(Snapshot.letter_id, func.max(Snapshot.observed_at).label("at"))
        .where(Snapshot.letter_id.in_(letter_ids), Snapshot.trusted)
        .group_by(Snapshot.letter_id)
        .subquery()
    )
    rows = session.scalars(
        select(Snapshot).join(
            newest, (Snapshot.letter_id == newest.c.letter_id)
            & (Snapshot.observed_at == newest.c.at)
        )
    )
    return {snap.letter_id: snap for snap in rows}


def letter_summaries(session: Session) -> list[LetterSummary]:
    """Tracked letters with their current snapshot, for the index page and list command."""
    letters = tracked_letters(session)
    current = latest_ok_snapshots(session, [letter.id for letter in letters])
    return [LetterSummary(letter, current.get(letter.id)) for letter in letters]


def page_archives(session: Session, snapshot_id: int) -> list[tuple[int, str]]:
    """(page number, sha256) of pages 2, 3, ... archived with the snapshot, in page order."""
    return [(no, sha) for no, sha in session.execute(
        select(SnapshotPage.page_no, SnapshotPage.archive_sha256)
        .where(SnapshotPage.snapshot_id == snapshot_id).order_by(SnapshotPage.page_no))]


def letter_archive(session: Session, letter_id: int, sha256: str) -> Archive | None:
    """The archive ``sha256`` if one of this letter's snapshots read any page from it."""
    first = select(Snapshot.id).where(Snapshot.letter_id == letter_id,
                                      Snapshot.archive_sha256 == sha256)
    later = (select(SnapshotPage.snapshot_id).join(Snapshot)
             .where(Snapshot.letter_id == letter_id, SnapshotPage.archive_sha256 == sha256))
    linked = session.scalar(first.limit(1)) or session.scalar(later.limit(1))
    return session.get(Archive, sha256) if linked else None
