"""Who signed: signatures with their history, people across letters, facets with provenance."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow

FACET_SOURCES = ("printed", "rule", "derived", "roster", "editor")


def _where(column: str) -> dict[str, Any]:
    """An index's entries only for rows where ``column`` is set, on both databases."""
    condition = text(f"{column} IS NOT NULL")
    return {"sqlite_where": condition, "postgresql_where": condition}


class Person(Base):
    """One human across letters; editors merge (merged_into) and split people."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_key: Mapped[str] = mapped_column(String(300), index=True)
    display_name: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )

    # enrich.names.person_key and middle_initials of the first name seen (models/overlap.py);
    # NULL for a person an editor split off, which no key joins again.
    match_key: Mapped[str | None] = mapped_column(String(300))
    middle_initials: Mapped[str | None] = mapped_column(String(40))

    signatures: Mapped[list[Signature]] = relationship(back_populates="person")

    __table_args__ = (
        Index("ix_person_match_key", "match_key", "middle_initials", "id"),
        # A signer's facets include those of people merged into its person. Partial: the
        # unmerged (nearly everyone) have no entry (bench/storage.py).
        Index("ix_person_merged_into_id", "merged_into_id", **_where("merged_into_id")),
    )


class DistinctPeople(Base):
    """Two people an editor judged to be different humans: their pair leaves the review
    queue for good (models/overlap.py ``candidate_pairs``), and overlap keeps them apart."""

    __tablename__ = "distinct_people"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    other_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"),
                                          index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("person_id", "other_id"),
        CheckConstraint("person_id < other_id", name="ordered"),
    )


class Signature(Base):
    """One signer line of one letter, from first seen to last seen (never deleted)."""

    __tablename__ = "signature"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letter.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL"), index=True
    )
    name_key: Mapped[str] = mapped_column(String(300))
    occurrence: Mapped[int] = mapped_column(Integer, default=1)
    name: Mapped[str] = mapped_column(String(500))
    raw: Mapped[str] = mapped_column(Text)
    affiliation: Mapped[str | None] = mapped_column(Text)
    role: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(500))
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(Integer)
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    removed_at: Mapped[datetime | None]
    first_snapshot_id: Mapped[int | None] = mapped_column(
        ForeignKey("snapshot.id", ondelete="SET NULL")
    )

    person: Mapped[Person | None] = relationship(back_populates="signatures")
    facets: Mapped[list[Facet]] = relationship(back_populates="signature")

    __table_args__ = (
        UniqueConstraint("letter_id", "name_key", "occurrence"),
        Index("ix_signature_letter_position", "letter_id", "position"),
        Index("ix_signature_letter_first_seen", "letter_id", "first_seen_at"),
        # The overlap between letters (models/overlap.py): a letter's people on its list,
        # then each person's other letters, both read from the index alone.
        Index("ix_signature_letter_removed_person", "letter_id", "removed_at", "person_id"),
        Index("ix_signature_person_letter", "person_id", "letter_id", "removed_at"),
    )


class SignatureEvent(Base):
    """A signer added to or removed from a letter's list, at the snapshot that showed it."""

    __tablename__ = "signature_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letter.id", ondelete="CASCADE"))
    signature_id: Mapped[int] = mapped_column(ForeignKey("signature.id", ondelete="CASCADE"))
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("snapshot.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("signature_id", "snapshot_id"),
        CheckConstraint("kind IN ('added', 'removed')", name="kind_known"),
        Index("ix_signature_event_letter_at", "letter_id", "at"),
    )


class Facet(Base):
    """One key/value fact about a signature or a person, with where it came from."""

    __tablename__ = "facet"

    id: Mapped[int] = mapped_column(primary_key=True)
    signature_id: Mapped[int | None] = mapped_column(
        ForeignKey("signature.id", ondelete="CASCADE")
    )
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(60))
    value: Mapped[str] = mapped_column(String(500))
    source: Mapped[str] = mapped_column(String(20))
    source_detail: Mapped[str | None] = mapped_column(String(500))
    score: Mapped[float | None] = mapped_column(Float)
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # An editor's override hides, never deletes, the machine's value.
    overridden: Mapped[bool] = mapped_column(default=False)

    signature: Mapped[Signature | None] = relationship(back_populates="facets")

    __table_args__ = (
        CheckConstraint(
            "source IN ('printed', 'rule', 'derived', 'roster', 'editor')", name="source_known"
        ),
        CheckConstraint(
            "signature_id IS NOT NULL OR person_id IS NOT NULL", name="has_subject"
        ),
        Index("ix_facet_key_value", "key", "value"),
        # Not partial (owner IS NOT NULL), though that would be smaller: SQLite then walks
        # ix_facet_key_value for the merged-people arm of models.facets, once per signer.
        Index("ix_facet_signature_key", "signature_id", "key"),
        Index("ix_facet_person_key", "person_id", "key"),
    )


class AuditLog(Base):
    """Who changed what, when: facet edits, merges and splits, letter edits, match reviews."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int | None]
    old_value: Mapped[Any | None] = mapped_column(JSON)
    new_value: Mapped[Any | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_audit_log_target", "target_type", "target_id"),)
