"""Letters, their snapshots (one row per observed change), poll log and page archive."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow

SNAPSHOT_STATUSES = ("ok", "suspect", "rejected")
TRUSTED = "ok"  # the status of a snapshot the series charts and citations quote
DEFAULT_POLL_INTERVAL_S = 15 * 60


class Letter(Base):
    __tablename__ = "letter"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    url: Mapped[str] = mapped_column(String(2048))
    kind: Mapped[str] = mapped_column(String(40), default="auto")
    detected_kind: Mapped[str | None] = mapped_column(String(40))
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    organizer: Mapped[str | None] = mapped_column(String(500))
    published_at: Mapped[datetime | None]
    poll_interval_s: Mapped[int] = mapped_column(Integer, default=DEFAULT_POLL_INTERVAL_S)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]
    # Fetch state: what the next conditional GET sends and when the scheduler wants it.
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    last_outcome: Mapped[str | None] = mapped_column(String(40))
    last_http_status: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    last_polled_at: Mapped[datetime | None]
    next_due_at: Mapped[datetime | None] = mapped_column(index=True)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)

    snapshots: Mapped[list[Snapshot]] = relationship(
        back_populates="letter", order_by="Snapshot.observed_at", passive_deletes=True
    )

    __table_args__ = (
        CheckConstraint("poll_interval_s >= 60", name="poll_interval_min"),
        Index("ix_letter_active_due", "active", "next_due_at"),
    )


class Archive(Base):
    """One distinct page body, compressed, keyed by the sha256 of the raw bytes."""

    __tablename__ = "archive"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    url: Mapped[str] = mapped_column(String(2048))
    content_type: Mapped[str | None] = mapped_column(String(200))
    size: Mapped[int]
    compression: Mapped[str] = mapped_column(String(10), default="gzip")
    body: Mapped[bytes] = mapped_column(LargeBinary)
    first_seen_at: Mapped[datetime]


class Snapshot(Base):
    """The page as observed between two changes: stored per change, confirmed per poll."""

    __tablename__ = "snapshot"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letter.id", ondelete="CASCADE"))
    observed_at: Mapped[datetime]
    last_confirmed_at: Mapped[datetime]
    confirmations: Mapped[int] = mapped_column(Integer, default=1)
    reported_count: Mapped[int | None]
    # "more than 1,140 signatures": the stated count is a lower bound.
    reported_count_at_least: Mapped[bool] = mapped_column(Boolean, default=False,
                                                          server_default=false())
    listed_count: Mapped[int | None]
    # The list this snapshot applied shares little with the one before: the page now
    # holds a different list (tracker/guard.py replaced_list).
    list_replaced: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    list_sha256: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default=TRUSTED)
    suspect_reason: Mapped[str | None] = mapped_column(Text)
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    fingerprint_changed: Mapped[bool] = mapped_column(Boolean, default=False)
    archive_sha256: Mapped[str | None] = mapped_column(ForeignKey("archive.sha256"))
    source_url: Mapped[str | None] = mapped_column(String(2048))
    # Read from a Wayback Machine capture rather than live: the capture's own URL.
    capture_url: Mapped[str | None] = mapped_column(String(2048))
    # A later page of the list could not be had (no capture of it): the list is incomplete.
    partial: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    breakdowns: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    letter: Mapped[Letter] = relationship(back_populates="snapshots")
    archive: Mapped[Archive | None] = relationship()
    more_pages: Mapped[list[SnapshotPage]] = relationship(
        order_by="SnapshotPage.page_no", cascade="all, delete-orphan", passive_deletes=True)

    @hybrid_property
    def trusted(self) -> bool:
        """Status ok: charted and cited (suspect and rejected snapshots are not)."""
        return self.status == TRUSTED

    __table_args__ = (
        UniqueConstraint("letter_id", "observed_at"),
        CheckConstraint("status IN ('ok', 'suspect', 'rejected')", name="status_known"),
        Index("ix_snapshot_letter_status_observed", "letter_id", "status", "observed_at"),
    )


class SnapshotPage(Base):
    """Page 2, 3, ... of a paginated list as read for a snapshot (page 1 is its archive)."""

    __tablename__ = "snapshot_page"

    snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("snapshot.id", ondelete="CASCADE"), primary_key=True)
    page_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    archive_sha256: Mapped[str] = mapped_column(ForeignKey("archive.sha256"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    capture_url: Mapped[str | None] = mapped_column(String(2048))

    archive: Mapped[Archive] = relationship()

    __table_args__ = (CheckConstraint("page_no >= 2", name="after_first"),)


class PollLog(Base):
    """Every poll attempt; pruned to the newest N per letter by the tracker."""

    __tablename__ = "poll_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letter.id", ondelete="CASCADE"))
    started_at: Mapped[datetime]
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    http_status: Mapped[int | None]
    outcome: Mapped[str] = mapped_column(String(40))
    error: Mapped[str | None] = mapped_column(Text)
    snapshot_id: Mapped[int | None] = mapped_column(
        ForeignKey("snapshot.id", ondelete="SET NULL")
    )

    __table_args__ = (Index("ix_poll_log_letter_started", "letter_id", "started_at"),)
