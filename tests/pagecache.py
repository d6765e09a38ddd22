"""Helpers of the letter page cache tests: synthetic letters (no real page behind them)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from models import Letter

AT = datetime(2031, 1, 1, tzinfo=UTC)


def new_letter(session: Session, slug: str) -> int:
    """A synthetic tracked letter ``slug``, added in the caller's transaction."""
    letter = Letter(slug=slug, title=slug, url=f"https://example.org/{slug}", kind="html",
                    options={}, poll_interval_s=900, active=True, created_at=AT,
                    consecutive_failures=0)
    session.add(letter)
    session.flush()
    return letter.id
