"""Polling a site index: one request per listing page refreshes every tracked letter it lists.

``IndexPoller.poll`` follows the listing's ``next`` links page by page through the tracker's
own fetcher (robots.txt, the SSRF guard, and one host gate shared with the letters' own polls,
so the per-host delay holds across both). The letters a page lists (those whose URL is a
listed petition, on the index's own host) each get a count-only reading, recorded through the
same guard as a poll: a drop is held as suspect, never a silent zero. A reading leaves the
letter's signer list, breakdowns, fetch state and due time to its own poll. Each page is
recorded in a transaction of its own, so a page that fails loses nothing read before it; the
failure is the poll's typed outcome in the index's log.

Pages are fetched without conditional headers: an unchanged first page says nothing of the
others (as for a letter whose list spans pages).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.index import (
    INDEX_LOG_KEEP,
    IndexPollLog,
    SiteIndex,
    claim_due_indexes,
    letter_urls_on_host,
    write_index_poll_log,
)
from models.letters import TRUSTED, Letter
from models.queries import newest_snapshot
from scrapers.base import ScrapeResult
from scrapers.errors import NoSignersFound, ParseError, SignwatchScrapeError
from scrapers.fetch import FetchResult
from scrapers.index import IndexEntry, IndexPage, IndexReader, get_index_reader, url_key
from tracker import alerts
from tracker.poll import Page, Poller, failure_backoff
from tracker.scheduler import CLAIM_LEASE

log = logging.getLogger("signwatch.index")
MAX_INDEX_PAGES = 100
PAGE_LIMIT = "page_limit"  # stopped at MAX_INDEX_PAGES with a next link still ahead
_CHANGED = frozenset({"first", "changed", "confirmed", "replaced"})
INDEX_SUCCESSES = frozenset({"ok", PAGE_LIMIT})


@dataclass
class IndexPollResult:
    """What one index poll read and refreshed, for the command line and the scheduler."""

    index_id: int
    url: str
    outcome: str = "ok"
    pages: int = 0
    entries: int = 0
    refreshed: int = 0
    changed: int = 0
    suspect: int = 0
    error: str | None = None
    http_status: int | None = None

    def count(self, outcome: str | None) -> None:
        """Tally one member's reading by its poll outcome (None: not read, left to its poll)."""
        if outcome is None or outcome == NoSignersFound.outcome:
            return
        self.refreshed += 1
        self.changed += outcome in _CHANGED
        self.suspect += outcome == "suspect"

    def line(self) -> str:
        """One line for a terminal: pages, entries, letters refreshed, outcome."""
        detail = f": {self.error}" if self.error else ""
        return (f"index {self.index_id} {self.url}: {self.pages} pages, {self.entries:,} listed, "
                f"{self.refreshed:,} letters refreshed ({self.changed:,} changed, "
                f"{self.suspect:,} suspect) [{self.outcome}]{detail}")


class IndexPoller:
    """Polls site indexes with a letter Poller's fetcher and recorder; safe to share."""

    def __init__(self, poller: Poller, *, max_pages: int = MAX_INDEX_PAGES,
                 log_keep: int = INDEX_LOG_KEEP):
        self.poller, self.max_pages, self.log_keep = poller, max_pages, log_keep
        self.clock: Callable[[], datetime] = poller.clock

    def poll(self, index_id: int) -> IndexPollResult:
        """Read the index page by page and refresh its members; failures become its outcome."""
        with self.poller.sessions() as session:
            index = session.get_one(SiteIndex, index_id)
            result = IndexPollResult(index.id, index.url)
            kind = index.kind
        started, timer = self.clock(), time.monotonic()
        try:
            result.outcome = self._read_pages(get_index_reader(kind), result)
        except SignwatchScrapeError as exc:
            result.outcome, result.error = exc.outcome, str(exc)
            result.http_status = getattr(exc, "status_code", None)
        self._finish(result, started, int((time.monotonic() - timer) * 1000))
        return result

    def poll_due(self) -> list[IndexPollResult]:
        """Claim the indexes due now and poll each (the scheduler's index job)."""
        with self.poller.sessions() as session, session.begin():
            ids = claim_due_indexes(session, self.clock(), CLAIM_LEASE)
        results = []
        for index_id in ids:
            try:
                results.append(self.poll(index_id))
            except Exception:  # noqa: BLE001
                # One index's bug must not stop the others: it stays leased, the error logged.
                log.exception("poll of index %s crashed", index_id)
                continue
            log.info("%s", results[-1].line())
        return results

    def _read_pages(self, reader: IndexReader, result: IndexPollResult) -> str:
        host = (urlsplit(result.url).hostname or "").lower()
        members = self._members(host)
        url: str | None = result.url
        seen: set[str] = set()
        while url and url not in seen:  # a next link back to a page read ends the listing
            if result.pages >= self.max_pages:
                return PAGE_LIMIT
            if (urlsplit(url).hostname or "").lower() != host:
                raise ParseError(f"the next page {url} is not on {host}", url=url)
            seen.add(url)
            at = self.clock()
            fetched = self.poller.fetcher.fetch(url)
            listing = reader.parse(fetched.body, fetched.final_url)
            self._record_page(reader, fetched, listing, members, at, result)
            url = listing.next_page_url
        return "ok"

    def _members(self, host: str) -> dict[str, list[int]]:
        """Tracked letters on ``host`` by the key of their URL."""
        with self.poller.sessions() as session:
            rows = letter_urls_on_host(session, host)
        members: dict[str, list[int]] = defaultdict(list)
        for letter_id, url in rows:
            if (urlsplit(url).hostname or "").lower() == host:
                members[url_key(url)].append(letter_id)
        return members

    def _record_page(self, reader: IndexReader, fetched: FetchResult, listing: IndexPage,
                     members: dict[str, list[int]], at: datetime,
                     result: IndexPollResult) -> None:
        result.pages += 1
        result.entries += len(listing.entries)
        matched = [(letter_id, entry) for entry in listing.entries
                   for letter_id in members.get(url_key(entry.url), ())]
        if not matched:
            return
        sha = fetched.sha256 or hashlib.sha256(fetched.body).hexdigest()
        with self.poller.writing() as session:
            letters = _locked_letters(session, sorted({letter_id for letter_id, _ in matched}))
            for letter_id, entry in matched:
                page = _reading(reader, fetched, sha, entry)
                result.count(self._record_member(session, letters[letter_id], page, at))

    def _record_member(self, session: Session, letter: Letter, page: Page,
                       at: datetime) -> str | None:
        """Record one member's count-only reading; None when it is its own poll's to read."""
        latest = newest_snapshot(session, letter.id, statuses=(TRUSTED, "suspect"))
        if latest is not None and latest.last_confirmed_at >= at:
            return None  # its own poll has read the petition since this page was asked for
        trusted = latest if latest is None or latest.status == TRUSTED else newest_snapshot(
            session, letter.id)
        if trusted is not None and trusted.listed_count is not None:
            return None  # a letter with a list of names is only read whole, by its own poll
        recorded = self.poller.record_archived_in(session, letter, page, observed_at=at)
        if recorded.snapshot_id is not None and recorded.outcome != "unchanged":
            alerts.after_snapshot(session, recorded.snapshot_id, now=at, window=timedelta(
                hours=self.poller.settings.guard.persist_hours))
        return recorded.outcome

    def _finish(self, result: IndexPollResult, started: datetime, duration_ms: int) -> None:
        with self.poller.writing() as session:
            index = session.get(SiteIndex, result.index_id)
            if index is None:
                return  # removed while it was being read: its readings stand, its log went
            index.last_polled_at, index.last_outcome = started, result.outcome
            index.last_error = result.error[:4000] if result.error else None
            index.consecutive_failures = (0 if result.outcome in INDEX_SUCCESSES
                                          else index.consecutive_failures + 1)
            index.next_due_at = self.clock() + failure_backoff(index.poll_interval_s,
                                                               index.consecutive_failures)
            write_index_poll_log(session, IndexPollLog(
                site_index_id=index.id, started_at=started, duration_ms=duration_ms,
                outcome=result.outcome, error=index.last_error, http_status=result.http_status,
                pages_read=result.pages, entries_read=result.entries,
                members_refreshed=result.refreshed, members_changed=result.changed,
                members_suspect=result.suspect), keep=self.log_keep)


def _reading(reader: IndexReader, fetched: FetchResult, sha: str, entry: IndexEntry) -> Page:
    """A member's count as the listing page states it, cited to that page's bytes."""
    result = ScrapeResult(kind=reader.letter_kind, title=entry.title,
                          reported_count=entry.signature_count, has_list=False)
    return Page(body=fetched.body, url=fetched.final_url, content_type=fetched.content_type,
                sha256=sha, result=result, http_status=fetched.status_code)


def _locked_letters(session: Session, ids: list[int]) -> dict[int, Letter]:
    # FOR UPDATE in id order: a letter's own poll and this page's readings take turns.
    query = select(Letter).where(Letter.id.in_(ids)).order_by(Letter.id).with_for_update()
    return {letter.id: letter for letter in session.scalars(query)}


def index_poller_for(app: Flask) -> IndexPoller:
    """The app's IndexPoller, over the app's one Poller (one client, one set of host gates)."""
    from tracker.runtime import get_poller

    poller = app.extensions.get("signwatch.index_poller")
    if poller is None:
        poller = app.extensions["signwatch.index_poller"] = IndexPoller(get_poller(app))
    return poller
