"""The ``uk-parliament`` adapter: petition.parliament.uk petition JSON (``/petitions/N.json``).

Reads both the full layout (with ``signatures_by_country`` and ``signatures_by_constituency``,
sometimes ``signatures_by_region``) and the abridged one early snapshots carry (counts and
dates only). The site publishes no names: ``has_list`` is False.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from scrapers.adapters.json_api import as_count, load_json
from scrapers.base import ScrapeResult, register
from scrapers.errors import NoSignersFound, ParseError

_BREAKDOWNS = {
    "signatures_by_country": "country",
    "signatures_by_constituency": "constituency",
    "signatures_by_region": "region",
}
_META_KEYS = (
    "state",
    "created_at",
    "opened_at",
    "closed_at",
    "updated_at",
    "rejected_at",
    "response_threshold_reached_at",
    "debate_threshold_reached_at",
    "government_response_at",
    "scheduled_debate_date",
    "debate_outcome_at",
    "creator_name",
)


def petition_attributes(document: Any) -> dict[str, Any]:
    """The petition's attribute object: ``data.attributes``, or the document itself."""
    data = document.get("data") if isinstance(document, dict) else None
    if isinstance(data, dict) and isinstance(data.get("attributes"), dict):
        return data["attributes"]
    if isinstance(document, dict) and "signature_count" in document:
        return document
    raise ParseError("not a petition.parliament.uk petition (no data.attributes)")


def breakdowns_of(attributes: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    """{'country': {name: count}, 'constituency': {...}, 'region': {...}} for those present."""
    out: dict[str, dict[str, int]] = {}
    for source_key, name in _BREAKDOWNS.items():
        rows = attributes.get(source_key)
        if isinstance(rows, list):
            out[name] = {
                str(row["name"]): as_count(row.get("signature_count")) or 0
                for row in rows
                if isinstance(row, dict) and row.get("name") is not None
            }
    return out


class UkParliamentAdapter:
    """UK Parliament petitions (counts and geographic breakdowns, no names)."""

    name = "uk-parliament"

    def sniff(self, body: bytes, url: str, content_type: str | None) -> float:
        host = urlsplit(url).hostname or ""
        head = body[:4096]
        shaped = b'"signature_count"' in head and b'"action"' in head
        if host.endswith("petition.parliament.uk") and (shaped or url.endswith(".json")):
            return 0.95
        return 0.9 if shaped and b'"attributes"' in head else 0.0

    def parse(self, body: bytes, url: str, options: Mapping[str, Any]) -> ScrapeResult:
        document = load_json(body)
        attributes = petition_attributes(document)
        count = as_count(attributes.get("signature_count"))
        if count is None:
            raise NoSignersFound("petition JSON without signature_count", url=url)
        meta = {key: attributes[key] for key in _META_KEYS if attributes.get(key) is not None}
        data = document.get("data") if isinstance(document, dict) else None
        if isinstance(data, dict) and data.get("id") is not None:
            meta["petition_id"] = data["id"]
        return ScrapeResult(
            kind=self.name,
            title=attributes.get("action"),
            reported_count=count,
            has_list=False,
            breakdowns=breakdowns_of(attributes),
            meta=meta,
        )


UK_PARLIAMENT = register(UkParliamentAdapter())
