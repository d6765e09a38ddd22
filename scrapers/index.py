"""Site indexes: one listing page that states the counts of many petitions at once.

A reader is pure: ``parse(body, url) -> IndexPage`` (no I/O, no clock, no database). Each
entry names its petition by the petition's own URL, which is how the tracker finds the
letters it refreshes; ``url_key`` is the one spelling of a URL both sides compare.
Readers are registered by name, like adapters (scrapers.base.register).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from scrapers.errors import UnknownKind


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """One petition as the listing states it; ``signature_count`` None when it states none."""

    url: str
    petition_id: str
    signature_count: int | None
    state: str | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class IndexPage:
    """One page of a listing: its entries, and the next page's URL (None on the last)."""

    kind: str
    entries: tuple[IndexEntry, ...]
    next_page_url: str | None = None


class IndexReader(Protocol):
    name: str
    letter_kind: str  # the adapter that reads one member petition's own page

    def parse(self, body: bytes, url: str) -> IndexPage: ...


INDEX_READERS: dict[str, IndexReader] = {}


def register(reader: IndexReader) -> IndexReader:
    """Add a reader under its name; the last line of each reader module calls this."""
    INDEX_READERS[reader.name] = reader
    return reader


def get_index_reader(kind: str) -> IndexReader:
    """The reader registered as ``kind``; UnknownKind names the known ones otherwise."""
    _load_builtin_readers()
    try:
        return INDEX_READERS[kind]
    except KeyError:
        known = ", ".join(sorted(INDEX_READERS)) or "none"
        raise UnknownKind(f"unknown index kind {kind!r} (known: {known})") from None


def known_index_kinds() -> list[str]:
    """Every registered reader name, sorted."""
    _load_builtin_readers()
    return sorted(INDEX_READERS)


def url_key(url: str) -> str:
    """host/path of a petition URL, so that ``.../petitions/241584``, its ``.json``, a
    trailing slash, ``http:`` or a query string all name the same petition."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/").removesuffix(".json").rstrip("/")
    return f"{(parts.hostname or '').lower()}{path}"


def _load_builtin_readers() -> None:
    # Importing the module runs its register() call once.
    import scrapers.adapters.uk_parliament_index  # noqa: F401
