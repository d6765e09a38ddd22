"""Which adapter reads a page (``detect_kind``) and the one call that parses any page.

Every registered adapter scores the page (URL, content type, a look at the bytes); the best
score wins. ``parse_page(kind="auto")`` tries the adapters that scored, best first, and moves
to the next only when one finds nothing (NoSignersFound) or cannot read the bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scrapers.base import ScrapeResult, get_adapter, known_kinds
from scrapers.errors import ParseError, UnknownKind

_MIN_SCORE = 0.1


def ranked_kinds(body: bytes, url: str, content_type: str | None) -> list[tuple[float, str]]:
    """(score, kind) of every adapter that might read the page, best first."""
    scores = []
    for kind in known_kinds():
        score = get_adapter(kind).sniff(body, url, content_type)
        if score >= _MIN_SCORE:
            scores.append((score, kind))
    return sorted(scores, key=lambda pair: -pair[0])


def detect_kind(body: bytes, url: str, content_type: str | None) -> str:
    """The best-scoring adapter's name; UnknownKind when none fits."""
    ranked = ranked_kinds(body, url, content_type)
    if not ranked:
        raise UnknownKind(f"no adapter recognises this page ({content_type or 'no type'})", url=url)
    return ranked[0][1]


def parse_page(
    body: bytes,
    url: str,
    content_type: str | None,
    kind: str = "auto",
    options: Mapping[str, Any] | None = None,
) -> ScrapeResult:
    """Parse a page with ``kind`` (or the detected one); the result's kind names the adapter."""
    options = options or {}
    if kind != "auto":
        return get_adapter(kind).parse(body, url, options)
    ranked = ranked_kinds(body, url, content_type)
    if not ranked:
        raise UnknownKind(f"no adapter recognises this page ({content_type or 'no type'})", url=url)
    first_error: ParseError | None = None
    for _, candidate in ranked:
        try:
            return get_adapter(candidate).parse(body, url, options)
        except UnknownKind:
            raise
        except ParseError as exc:
            first_error = first_error or exc
    assert first_error is not None
    raise first_error
