"""The guard: is a freshly parsed page believable next to what we last trusted? Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Counts:
    """What a page said: the stated count and the number of names listed (None: no list)."""

    reported: int | None
    listed: int | None
    list_sha256: str | None = None
    reported_at_least: bool = False


@dataclass(frozen=True)
class GuardSettings:
    drop_share: float = 0.2
    confirmations: int = 3
    persist_hours: float = 24.0


def persisted(confirmations: int, first_seen: datetime, last_seen: datetime,
              settings: GuardSettings) -> bool:
    """A held suspect is real once K polls agree or its observations span ``persist_hours``."""
    if confirmations >= settings.confirmations:
        return True
    # Sparse observations (a slow interval, a backfill of files days apart) cannot reach
    # K; a state that is still there a day later is not a glitch either.
    return last_seen - first_seen >= timedelta(hours=settings.persist_hours)


def suspicion(previous: Counts | None, current: Counts, settings: GuardSettings) -> str | None:
    """Why ``current`` is suspect next to ``previous``, or None when it can be trusted."""
    if previous is None:
        return None
    for label, before, now in (("count", previous.reported, current.reported),
                               ("list", previous.listed, current.listed)):
        reason = _judge(label, before, now, settings.drop_share)
        if reason:
            return reason
    return None


def _judge(label: str, before: int | None, now: int | None, drop_share: float) -> str | None:
    if not before:
        return None
    if now is None:
        return f"the {label} vanished (was {before:,})"
    if now == 0:
        return f"the {label} dropped to zero (was {before:,})"
    if before - now > drop_share * before:
        return f"the {label} dropped by {before - now:,} of {before:,} (over {drop_share:.0%})"
    return None


# Both shares over a half, not a Jaccard score: a list that doubled (most names new, none
# gone) is growth and one cut to a third (most gone, none new) is a drop the guard above
# holds; only when most names are new AND most old ones are gone is it another list.
REPLACED_SHARE = 0.5


def replaced_list(kept: int, previous: int, current: int) -> bool:
    """Does a list of ``current`` names, ``kept`` of the ``previous`` ones, replace it?"""
    if not previous or not current:
        return False
    new_share = (current - kept) / current
    gone_share = (previous - kept) / previous
    return new_share > REPLACED_SHARE and gone_share > REPLACED_SHARE
