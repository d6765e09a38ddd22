"""Site indexes (one listing states many petitions' counts) and the log of their polls.

A letter is a member of an index when its URL is a petition the index lists; membership is
found at each poll, not stored. Helpers take the session first and never commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    delete,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, utcnow
from models.history import drop_beyond_newest
from models.letters import DEFAULT_POLL_INTERVAL_S, Letter

INDEX_LOG_KEEP = 500


class DuplicateIndex(ValueError):
    """That listing URL is polled as an index already."""


class UnknownIndex(LookupError):
    """No site index has that number."""


class SiteIndex(Base):
    """A listing page (and the pages its ``next`` links lead to) read on a schedule."""

    __tablename__ = "site_index"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    poll_interval_s: Mapped[int] = mapped_column(Integer, default=DEFAULT_POLL_INTERVAL_S)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_polled_at: Mapped[datetime | None]
    next_due_at: Mapped[datetime | None] = mapped_column(index=True)
    last_outcome: Mapped[str | None] = mapped_column(String(40))
    last_error: Mapped[str | None] = mapped_column(Text)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (CheckConstraint("poll_interval_s >= 60", name="poll_interval_min"),)


class IndexPollLog(Base):
    """One poll of an index: how far it read, what it refreshed, its typed outcome."""

    __tablename__ = "index_poll_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_index_id: Mapped[int] = mapped_column(ForeignKey("site_index.id", ondelete="CASCADE"))
    started_at: Mapped[datetime]
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[str] = mapped_column(String(40))
    error: Mapped[str | None] = mapped_column(Text)
    http_status: Mapped[int | None]
    pages_read: Mapped[int] = mapped_column(Integer, default=0)
    entries_read: Mapped[int] = mapped_column(Integer, default=0)
    members_refreshed: Mapped[int] = mapped_column(Integer, default=0)
    members_changed: Mapped[int] = mapped_column(Integer, default=0)
    members_suspect: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_index_poll_log_site_index_started", "site_index_id",
                            "started_at"),)


def add_index(session: Session, *, url: str, kind: str, poll_interval_s: int,
              now: datetime) -> SiteIndex:
    """An index due at once; DuplicateIndex if that URL is one already."""
    if session.scalar(select(SiteIndex.id).where(SiteIndex.url == url)):
        raise DuplicateIndex(f"{url} is an index already")
    index = SiteIndex(url=url, kind=kind, poll_interval_s=poll_interval_s, created_at=now,
                      next_due_at=now)
    session.add(index)
    session.flush()
    return index


def site_indexes(session: Session) -> Sequence[SiteIndex]:
    """Every index, in order of creation."""
    return session.scalars(select(SiteIndex).order_by(SiteIndex.id)).all()


def index_by_id(session: Session, index_id: int) -> SiteIndex:
    """The index numbered ``index_id``; UnknownIndex if there is none."""
    index = session.get(SiteIndex, index_id)
    if index is None:
        raise UnknownIndex(f"no index numbered {index_id}")
    return index


def set_index_active(session: Session, index_id: int, active: bool, *,
                     now: datetime) -> SiteIndex:
    """Pause (active False) or resume polling; resuming makes the index due at once."""
    index = index_by_id(session, index_id)
    if active and not index.active:
        index.next_due_at = now
    index.active = active
    session.flush()
    return index


def remove_index(session: Session, index_id: int) -> SiteIndex:
    """Forget the index and its poll log; the snapshots it recorded (letters' own rows,
    citing the archived listing pages) are left as they are."""
    index = index_by_id(session, index_id)
    session.execute(delete(IndexPollLog).where(IndexPollLog.site_index_id == index.id))
    session.delete(index)
    session.flush()
    return index


def indexes_on_host(session: Session, host: str) -> list[SiteIndex]:
    """The indexes (active or paused) whose listing is on ``host``."""
    candidates = session.scalars(select(SiteIndex).where(
        SiteIndex.url.contains(host, autoescape=True)).order_by(SiteIndex.id))
    return [index for index in candidates
            if (urlsplit(index.url).hostname or "").lower() == host.lower()]


def claim_due_indexes(session: Session, now: datetime, lease: timedelta) -> list[int]:
    """Active indexes due by ``now``, their due time moved one lease ahead."""
    ids = list(session.scalars(select(SiteIndex.id).where(
        SiteIndex.active.is_(True),
        or_(SiteIndex.next_due_at.is_(None), SiteIndex.next_due_at <= now),
    ).order_by(SiteIndex.next_due_at.asc().nulls_first(), SiteIndex.id)))
    if ids:
        session.execute(update(SiteIndex).where(SiteIndex.id.in_(ids))
                        .values(next_due_at=now + lease))
    return ids


def letter_urls_on_host(session: Session, host: str) -> list[tuple[int, str]]:
    """(id, url) of the active letters whose URL names ``host`` (the caller checks exactly)."""
    rows = session.execute(select(Letter.id, Letter.url).where(
        Letter.active.is_(True), Letter.deleted_at.is_(None),
        Letter.url.contains(host, autoescape=True)).order_by(Letter.id))
    return [(row.id, row.url) for row in rows]


def write_index_poll_log(session: Session, entry: IndexPollLog,
                         keep: int = INDEX_LOG_KEEP) -> None:
    """Log one index poll and drop this index's entries beyond the newest ``keep``."""
    session.add(entry)
    session.flush()
    drop_beyond_newest(session, IndexPollLog.id, IndexPollLog.site_index_id,
                       entry.site_index_id, keep)


def latest_index_logs(session: Session, index_id: int, limit: int = 10
                      ) -> Sequence[IndexPollLog]:
    """The index's newest poll-log entries, newest first."""
    return session.scalars(select(IndexPollLog).where(IndexPollLog.site_index_id == index_id)
                           .order_by(IndexPollLog.id.desc()).limit(limit)).all()
