"""The ``uk-parliament`` index reader: petition.parliament.uk listings (``/petitions.json``).

A listing page is ``{"links": {"self", "first", "last", "next", "prev"}, "data": [{"type":
"petition", "id": N, "links": {"self": ".../petitions/N.json"}, "attributes": {"action",
"signature_count", "state", ...}}]}``, 50 petitions a page. Only counts: breakdowns and
everything else still come from each petition's own JSON.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from scrapers.adapters.json_api import as_count, load_json
from scrapers.errors import ParseError
from scrapers.index import IndexEntry, IndexPage, register


def _entry(row: Any, page_url: str) -> IndexEntry | None:
    """One listed petition, or None for a row that is not one."""
    if not isinstance(row, dict) or row.get("id") is None:
        return None
    attributes = row.get("attributes") if isinstance(row.get("attributes"), dict) else {}
    links = row.get("links") if isinstance(row.get("links"), dict) else {}
    own = links.get("self") or f"/petitions/{row['id']}.json"
    return IndexEntry(
        url=urljoin(page_url, str(own)),
        petition_id=str(row["id"]),
        signature_count=as_count(attributes.get("signature_count")),
        state=attributes.get("state"),
        title=attributes.get("action"),
    )


class UkParliamentIndexReader:
    """A page of petition.parliament.uk's petition listing."""

    name = "uk-parliament"
    letter_kind = "uk-parliament"

    def parse(self, body: bytes, url: str) -> IndexPage:
        document = load_json(body)
        rows = document.get("data") if isinstance(document, dict) else None
        if not isinstance(rows, list):
            raise ParseError("not a petition.parliament.uk listing (no data array)", url=url)
        entries = tuple(e for e in (_entry(row, url) for row in rows) if e is not None)
        links = document.get("links") if isinstance(document.get("links"), dict) else {}
        following = links.get("next")
        next_url = urljoin(url, following) if isinstance(following, str) and following else None
        return IndexPage(kind=self.name, entries=entries, next_page_url=next_url)


UK_PARLIAMENT_INDEX = register(UkParliamentIndexReader())
