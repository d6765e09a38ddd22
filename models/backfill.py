"""Backfill jobs (a Wayback backfill started from /admin, with its progress) and the reads a
backfill needs. Helpers take the session first and never commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base
from models.letters import Snapshot

JOB_STATES = ("running", "done", "failed")
# A running job that has written no progress for this long died with its process.
STALE_AFTER = timedelta(minutes=10)


class BackfillJob(Base):
    """One Wayback backfill of one letter: how far it got and how it ended."""

    __tablename__ = "backfill_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letter.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(20), default="running")
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    recorded: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]

    __table_args__ = (
        CheckConstraint("state IN ('running', 'done', 'failed')", name="state_known"),
        Index("ix_backfill_job_letter_started", "letter_id", "started_at"),
    )

    def stale(self, now: datetime) -> bool:
        """Still marked running, but silent for longer than a capture ever takes."""
        return self.state == "running" and now - self.updated_at > STALE_AFTER


@dataclass(frozen=True)
class Progress:
    """How far a backfill got: captures listed, handled, recorded and skipped."""

    total: int = 0
    done: int = 0
    recorded: int = 0
    skipped: int = 0
    message: str | None = None


def latest_job(session: Session, letter_id: int) -> BackfillJob | None:
    return session.scalars(select(BackfillJob).where(BackfillJob.letter_id == letter_id)
                           .order_by(BackfillJob.started_at.desc(), BackfillJob.id.desc())
                           .limit(1)).first()


def start_job(session: Session, letter_id: int, now: datetime) -> BackfillJob | None:
    """A new running job for the letter, or None while a live one runs already."""
    current = latest_job(session, letter_id)
    if current is not None and current.state == "running" and not current.stale(now):
        return None
    if current is not None and current.stale(now):
        finish_job(current, "failed", now, "interrupted (its process ended); start it again "
                                           "to resume")
    job = BackfillJob(letter_id=letter_id, started_at=now, updated_at=now)
    session.add(job)
    session.flush()
    return job


def write_progress(job: BackfillJob, progress: Progress, now: datetime) -> None:
    job.total, job.done = progress.total, progress.done
    job.recorded, job.skipped = progress.recorded, progress.skipped
    job.message, job.updated_at = progress.message, now


def finish_job(job: BackfillJob, state: str, now: datetime, message: str | None) -> None:
    job.state, job.message, job.updated_at, job.finished_at = state, message, now, now


def newest_reading(session: Session, letter_id: int) -> datetime | None:
    """The latest time any snapshot of the letter was read or confirmed: a backfill resumes
    after it (every capture before it went through the pipeline already)."""
    return session.scalar(select(func.max(Snapshot.last_confirmed_at))
                          .where(Snapshot.letter_id == letter_id))
