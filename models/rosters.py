"""Rosters: named lists of known people, and their matches against signers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base

MATCH_STATUSES = ("auto", "pending", "confirmed", "rejected")


class Roster(Base):
    __tablename__ = "roster"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    imported_at: Mapped[datetime]
    source_filename: Mapped[str | None] = mapped_column(String(500))
    columns: Mapped[list[str]] = mapped_column(JSON, default=list)

    entries: Mapped[list[RosterEntry]] = relationship(
        back_populates="roster", cascade="all, delete-orphan"
    )


class RosterEntry(Base):
    __tablename__ = "roster_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    roster_id: Mapped[int] = mapped_column(ForeignKey("roster.id", ondelete="CASCADE"))
    line_no: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(500))
    name_key: Mapped[str] = mapped_column(String(300), index=True)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    roster: Mapped[Roster] = relationship(back_populates="entries")

    __table_args__ = (UniqueConstraint("roster_id", "line_no"),)


class RosterMatch(Base):
    """A roster entry matched to a person: exact ones auto, fuzzy ones wait for an editor."""

    __tablename__ = "roster_match"

    id: Mapped[int] = mapped_column(primary_key=True)
    roster_entry_id: Mapped[int] = mapped_column(
        ForeignKey("roster_entry.id", ondelete="CASCADE")
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("roster_entry_id", "person_id"),
        CheckConstraint(
            "status IN ('auto', 'pending', 'confirmed', 'rejected')", name="status_known"
        ),
    )
