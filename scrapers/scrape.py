"""Fetch and parse one letter, following its pages: the join of fetcher and adapters."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from scrapers.base import ScrapeResult
from scrapers.detect import parse_page
from scrapers.errors import NoSignersFound
from scrapers.fetch import Fetcher, FetchResult, FetchSettings, build_client

DEFAULT_MAX_PAGES = 20
# parse_page's shape: (body, url, content_type, kind, options) -> ScrapeResult
ParsePage = Callable[[bytes, str, str | None, str, Mapping[str, Any] | None], ScrapeResult]


@dataclass(frozen=True)
class Scraped:
    """The first page as fetched and, unless it was unchanged, the parse of all its pages."""

    fetch: FetchResult
    result: ScrapeResult | None
    pages: int = 1
    empty_reason: str | None = None
    more: tuple[FetchResult, ...] = ()  # pages 2, 3, ... as fetched, for the archive


def parsed_or_empty(parse: Callable[[], ScrapeResult], kind: str
                    ) -> tuple[ScrapeResult, str | None]:
    """``parse()``, or an empty result and the reason when the page shows no signers.

    A page that shows nothing is evidence (the list may have vanished): the caller decides,
    with the bytes in hand, whether that is suspect or a failure.
    """
    try:
        return parse(), None
    except NoSignersFound as exc:
        return ScrapeResult(kind=kind, title=None, reported_count=None, has_list=False), str(exc)


def scrape(fetcher: Fetcher, url: str, *, kind: str = "auto",
           options: Mapping[str, Any] | None = None, etag: str | None = None,
           last_modified: str | None = None, last_sha256: str | None = None,
           max_pages: int = DEFAULT_MAX_PAGES, parse: ParsePage = parse_page) -> Scraped:
    """Fetch ``url`` conditionally; parse it and up to ``max_pages`` pages of its list.

    ``parse`` reads each page (``parse_page``, or the same in a worker process)."""
    first = fetcher.fetch(url, etag=etag, last_modified=last_modified, last_sha256=last_sha256)
    if first.unchanged:
        return Scraped(first, None)
    result, empty_reason = parsed_or_empty(
        lambda: parse(first.body, first.final_url, first.content_type, kind, options), kind)
    if empty_reason is not None:
        return Scraped(first, result, empty_reason=empty_reason)
    return follow_pages(fetcher, first, result, options or {}, max_pages, parse)


def follow_pages(fetcher: Fetcher, first: FetchResult, result: ScrapeResult,
                 options: Mapping[str, Any], max_pages: int,
                 parse: ParsePage = parse_page) -> Scraped:
    """Append the signers of each next page (same adapter) until none, a loop, or the cap."""
    seen, more, signers = {first.final_url}, [], list(result.signers)
    next_url = result.next_page_url
    while next_url and next_url not in seen and len(more) + 1 < max_pages:
        seen.add(next_url)
        page = fetcher.fetch(next_url)
        parsed = parse(page.body, page.final_url, page.content_type, result.kind, options)
        signers.extend(parsed.signers)
        more.append(page)
        next_url = parsed.next_page_url
    return Scraped(first, replace(result, signers=tuple(signers), next_page_url=None),
                   1 + len(more), more=tuple(more))


def preview_url(url: str, kind: str = "auto", options: Mapping[str, Any] | None = None,
                settings: FetchSettings | None = None) -> Scraped:
    """Fetch and parse ``url`` once, storing nothing: what ``signwatch preview`` shows."""
    settings = settings or FetchSettings()
    with build_client(settings) as client:
        return scrape(Fetcher(client, settings), url, kind=kind, options=options)
