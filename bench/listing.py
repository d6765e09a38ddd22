"""Synthetic petition.parliament.uk listings, labelled synthetic, for bench/index.py and tests.

Every row is a copy of one real petition's attributes (petition 241584 as git-scraped,
tests/fixtures/uk_petition_241584_evilneuro_gitscrape) under its own id and count; the page
shape (``links.self/first/last/next/prev``, ``data[*].links.self``) is the site's
``/petitions.json?state=open&page=N``. The breakdowns the listing omits are left out of its
rows and kept in each petition's own JSON.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

REAL_PETITION = (Path(__file__).resolve().parent.parent / "tests/fixtures/"
                 "uk_petition_241584_evilneuro_gitscrape/"
                 "241584-data_latest__20190422T123702.json")
BREAKDOWN_KEYS = ("signatures_by_country", "signatures_by_constituency", "signatures_by_region")
PER_PAGE = 50


@cache
def real_document() -> dict[str, Any]:
    """The real petition JSON (petition.parliament.uk/petitions/241584.json, 2019-04-22)."""
    return json.loads(REAL_PETITION.read_bytes())


def petition_url(base_url: str, petition_id: int) -> str:
    return f"{base_url}/petitions/{petition_id}.json"


def petition_json(base_url: str, petition_id: int, count: int) -> bytes:
    """One petition's own JSON: the real document, breakdowns and all, under another id."""
    document = copy.deepcopy(real_document())
    document["links"]["self"] = petition_url(base_url, petition_id)
    document["data"]["id"] = petition_id
    document["data"]["attributes"]["signature_count"] = count
    return json.dumps(document).encode()


def listing_row(base_url: str, petition_id: int, count: int | None) -> dict[str, Any]:
    """One listed petition: the real attributes without breakdowns, this id and count."""
    attributes = {key: value for key, value in real_document()["data"]["attributes"].items()
                  if key not in BREAKDOWN_KEYS}
    attributes["signature_count"] = count
    return {"type": "petition", "id": petition_id,
            "links": {"self": petition_url(base_url, petition_id)}, "attributes": attributes}


class Listing:
    """A listing of ``counts`` ({petition id: count}), PER_PAGE rows a page, in id order."""

    def __init__(self, base_url: str, counts: Mapping[int, int | None],
                 per_page: int = PER_PAGE):
        self.base_url, self.counts, self.per_page = base_url, dict(counts), per_page

    @property
    def pages(self) -> int:
        return max(1, math.ceil(len(self.counts) / self.per_page))

    def page_url(self, number: int) -> str:
        return f"{self.base_url}/petitions.json?page={number}&state=open"

    def page(self, number: int) -> bytes:
        """Page ``number`` (from 1) as the site serves it."""
        ids = sorted(self.counts)[(number - 1) * self.per_page:number * self.per_page]
        links = {"self": self.page_url(number), "first": self.page_url(1),
                 "last": self.page_url(self.pages),
                 "next": self.page_url(number + 1) if number < self.pages else None,
                 "prev": self.page_url(number - 1) if number > 1 else None}
        rows = [listing_row(self.base_url, pid, self.counts[pid]) for pid in ids]
        return json.dumps({"links": links, "data": rows}).encode()
