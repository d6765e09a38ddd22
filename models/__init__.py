"""Typed SQLAlchemy models and the queries over them. Helpers take a session and never commit."""

from models.alerts import AlertDelivery, AlertEvent, AlertSubscription
from models.backfill import BackfillJob
from models.base import Base, UTCDateTime, utcnow
from models.generation import DataGeneration, DataGenerationPending
from models.index import IndexPollLog, SiteIndex
from models.letters import Archive, Letter, PollLog, Snapshot, SnapshotPage
from models.rosters import Roster, RosterEntry, RosterMatch
from models.signers import AuditLog, Facet, Person, Signature, SignatureEvent
from models.users import User

__all__ = [
    "AlertDelivery",
    "AlertEvent",
    "AlertSubscription",
    "Archive",
    "AuditLog",
    "BackfillJob",
    "Base",
    "DataGeneration",
    "DataGenerationPending",
    "Facet",
    "IndexPollLog",
    "Letter",
    "Person",
    "PollLog",
    "Roster",
    "RosterEntry",
    "RosterMatch",
    "Signature",
    "SiteIndex",
    "SignatureEvent",
    "Snapshot",
    "SnapshotPage",
    "UTCDateTime",
    "User",
    "utcnow",
]
