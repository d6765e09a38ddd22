"""Wayback backfill: a letter's Wayback Machine captures through the pipeline, oldest first,
each at its capture time and citing its capture.

Each capture newer than the letter's newest reading is recorded in its own transaction
(Poller.record_archived), so an interrupted run loses nothing. Captures from before tracking
began (or from a gap between readings) are fetched and archived first, then the letter's
history is rebuilt with them in one transaction (tracker.backfill.rebuild_history); a capture
from a moment some snapshot was read or confirmed across adds nothing and is skipped, so a
second run changes nothing.
A later page of a paginated list is read from its own capture nearest in time (Wayback
redirects ``/web/<time>id_/<url>`` to it); when it has none within a day, the snapshot is
marked partial and its incomplete list is not applied. A capture showing neither a count nor
a list (a parked domain, an error page archived with a 200) is not the letter: skipped.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select

from models import history
from models.backfill import Progress, finish_job, newest_reading, start_job, write_progress
from models.base import utcnow
from models.bulk import chunks
from models.letters import Archive
from scrapers.base import ScrapeResult, Signer
from scrapers.detect import parse_page
from scrapers.errors import ParseError, RateLimited, SignwatchScrapeError
from scrapers.fetch import FetchResult
from scrapers.scrape import parsed_or_empty
from scrapers.wayback import (
    DEFAULT_BASE_URL,
    CdxCapture,
    RateLimiter,
    WaybackClient,
    capture_stamp,
    capture_url,
    stamp_time,
)
from tracker.backfill import covered, read_spans, rebuild_history
from tracker.poll import Page, PageCopy, Poller, PollResult

log = logging.getLogger(__name__)
SKIPPED = ("skipped", "missing", "not_the_letter")
BEFORE_TRACKING = "before tracking began"
REBUILT = "history rebuilt: "
# A later page captured further than this from the first shows another moment's list.
MAX_PAGE_DRIFT = timedelta(days=1)


@dataclass(frozen=True)
class WaybackSettings:
    base_url: str = DEFAULT_BASE_URL
    cdx_per_minute: int = 20
    captures_per_minute: int = 60


@dataclass(frozen=True)
class Target:
    """The letter a backfill reads captures of."""

    id: int
    slug: str
    url: str
    kind: str
    options: Mapping[str, Any]


@dataclass(frozen=True)
class CaptureOutcome:
    """What became of one capture: a poll outcome, or why it was skipped."""

    capture: CdxCapture
    outcome: str
    result: PollResult | None = None
    detail: str | None = None

    @property
    def recorded(self) -> bool:
        """A new snapshot (not a confirmation of the one before)."""
        return (self.result is not None and self.result.snapshot_id is not None
                and self.result.outcome != "unchanged")

    def line(self) -> str:
        """One line for a terminal: capture time, then what it did."""
        stamp = self.capture.at.isoformat()
        if self.result is not None:
            return f"{stamp} {self.result.line()}"
        return f"{stamp} [{self.outcome}]" + (f": {self.detail}" if self.detail else "")


def wayback_settings(config: Mapping[str, Any]) -> WaybackSettings:
    """SIGNWATCH_WAYBACK_URL, _WAYBACK_CDX_PER_MINUTE and _WAYBACK_CAPTURES_PER_MINUTE."""
    try:
        return WaybackSettings(str(config.get("WAYBACK_URL") or DEFAULT_BASE_URL),
                               int(config.get("WAYBACK_CDX_PER_MINUTE", 20)),
                               int(config.get("WAYBACK_CAPTURES_PER_MINUTE", 60)))
    except ValueError:
        raise ValueError("SIGNWATCH_WAYBACK_CDX_PER_MINUTE and "
                         "SIGNWATCH_WAYBACK_CAPTURES_PER_MINUTE must be whole numbers") from None


def get_wayback(app: Flask) -> WaybackClient:
    """The app's one Wayback client: the poller's fetcher, and one budget per process."""
    client = app.extensions.get("signwatch.wayback")
    if client is None:
        from tracker.runtime import get_poller

        settings = wayback_settings(app.config)
        client = WaybackClient(get_poller(app).fetcher, settings.base_url,
                               cdx_limiter=RateLimiter(settings.cdx_per_minute),
                               capture_limiter=RateLimiter(settings.captures_per_minute))
        app.extensions["signwatch.wayback"] = client
    return client


def backfill_wayback(poller: Poller, client: WaybackClient, target: Target, *,
                     since: str | None = None, until: str | None = None,
                     on_progress: Callable[[Progress], None] | None = None
                     ) -> list[CaptureOutcome]:
    """Every capture of the letter in [since, until] through the pipeline, oldest first.

    Raises a SignwatchScrapeError when the index cannot be read or Wayback asks for a longer
    pause than the fetcher waits: what was recorded stays, and the next run resumes."""
    with poller.sessions() as session:
        after = newest_reading(session, target.id)
        spans = read_spans(session, target.id)
    captures = client.captures(target.url, since, until)
    report = _Reporter(Progress(total=len(captures)), on_progress)
    past = [c for c in captures if after is not None and c.at <= after]
    outcomes = backfill_past(poller, client, target, past, spans, report) if past else []
    for capture in [c for c in captures if c not in past]:
        outcomes.append(report(backfill_capture(poller, client, target, capture)))
    return outcomes


class _Reporter:
    """Counts outcomes into the progress and hands each step to ``on_progress``."""

    def __init__(self, progress: Progress, on_progress: Callable[[Progress], None] | None):
        self.progress, self.on_progress = progress, on_progress

    def __call__(self, done: CaptureOutcome) -> CaptureOutcome:
        self.step(replace(self.progress, done=self.progress.done + 1,
                          recorded=self.progress.recorded + done.recorded,
                          skipped=self.progress.skipped + (done.outcome in SKIPPED),
                          message=done.line()))
        return done

    def step(self, progress: Progress) -> None:
        self.progress = progress
        if self.on_progress is not None:
            self.on_progress(progress)


def backfill_past(poller: Poller, client: WaybackClient, target: Target,
                  captures: list[CdxCapture], spans: list[tuple[Any, Any]],
                  report: _Reporter) -> list[CaptureOutcome]:
    """Captures from before the newest reading: fetched and archived one by one, then the
    letter's history rebuilt with them in one transaction (none to add: nothing changes)."""
    outcomes, pages = [], []
    kept = archived_captures(poller, target, [c for c in captures if not covered(c.at, spans)])
    for capture in captures:
        if covered(capture.at, spans):
            outcomes.append(report(CaptureOutcome(capture, "skipped",
                                                  detail="the letter was read then already")))
            continue
        page = kept_page(poller, client, target, capture, kept.get(capture.at))
        done = CaptureOutcome(capture, "fetched", detail=f"archived already, {BEFORE_TRACKING}")
        if page is None:
            done, page = fetch_past_capture(poller, client, target, capture)
        outcomes.append(report(done))
        if page is not None:
            pages.append((capture, page))
    if not pages:
        return outcomes
    rebuilt = rebuild_history(poller, target.id, [(c.at, page) for c, page in pages])
    replayed = {c.timestamp: CaptureOutcome(c, rebuilt.results[c.at].outcome,
                                            rebuilt.results[c.at], detail=BEFORE_TRACKING)
                for c, _page in pages if c.at in rebuilt.results}
    outcomes = [replayed.get(o.capture.timestamp, o) for o in outcomes]
    report.step(replace(report.progress, recorded=report.progress.recorded + sum(
        o.recorded for o in replayed.values()), message=(
        f"{len(pages)} captures {BEFORE_TRACKING}; {REBUILT}{rebuilt.snapshots} snapshots")))
    return outcomes


def archived_captures(poller: Poller, target: Target,
                      captures: list[CdxCapture]) -> dict[Any, str]:
    """The archive key of each capture an interrupted run fetched already, by capture time
    (a capture's first page is archived under the letter's URL at the capture's time)."""
    found: dict[Any, str] = {}
    with poller.sessions() as session:
        for chunk in chunks([c.at for c in captures]):
            found.update((at, sha) for sha, at in session.execute(
                select(Archive.sha256, Archive.first_seen_at)
                .where(Archive.url == target.url, Archive.first_seen_at.in_(chunk))))
    return found


def kept_page(poller: Poller, client: WaybackClient, target: Target, capture: CdxCapture,
              sha256: str | None) -> Page | None:
    """The capture read again from its archived bytes; None to fetch it (not archived, or a
    list over several pages, whose later pages are fetched with it)."""
    if sha256 is None:
        return None
    with poller.sessions() as session:
        archive = session.get_one(Archive, sha256)
        body, content_type = history.archived_body(archive), archive.content_type
    try:
        result, empty = parsed_or_empty(lambda: parse_page(
            body, target.url, content_type, target.kind, target.options), target.kind)
    except ParseError:
        return None
    if empty is not None or result.next_page_url:
        return None
    return Page(body=body, url=target.url, content_type=content_type, sha256=sha256,
                result=result, http_status=200,
                capture_url=capture_url(client.base_url, capture.timestamp, capture.original))


def fetch_past_capture(poller: Poller, client: WaybackClient, target: Target,
                       capture: CdxCapture) -> tuple[CaptureOutcome, Page | None]:
    """Fetch one capture and archive its pages (a resumed run finds their bytes kept)."""
    try:
        page = capture_page(client, target, capture)
    except RateLimited:
        raise
    except SignwatchScrapeError as exc:
        return CaptureOutcome(capture, exc.outcome, detail=str(exc)), None
    if page is None:
        return CaptureOutcome(capture, "not_the_letter",
                              detail="the capture shows no count and no list"), None
    if page.partial and page.result is not None and page.result.reported_count is None:
        # Nothing to record; left out, it cannot make every later run rebuild again.
        return CaptureOutcome(capture, "missing", detail="a later page has no capture near "
                              "in time, and the page states no count"), None
    with poller.sessions() as session, session.begin():
        for copy in (page, *page.more):
            history.store_archive(session, sha256=copy.sha256, body=copy.body, url=copy.url,
                                  content_type=copy.content_type, now=capture.at)
    return CaptureOutcome(capture, "fetched", detail=BEFORE_TRACKING), page


def backfill_capture(poller: Poller, client: WaybackClient, target: Target,
                     capture: CdxCapture) -> CaptureOutcome:
    """Fetch one capture (and its later pages), then record it at its capture time."""
    try:
        page = capture_page(client, target, capture)
    except RateLimited:
        raise
    except SignwatchScrapeError as exc:
        return CaptureOutcome(capture, exc.outcome, detail=str(exc))
    if page is None:
        return CaptureOutcome(capture, "not_the_letter",
                              detail="the capture shows no count and no list")
    try:
        result = poller.record_archived(target.id, page, observed_at=capture.at)
    except ValueError as exc:  # read meanwhile (a live poll, another run)
        return CaptureOutcome(capture, "skipped", detail=str(exc))
    return CaptureOutcome(capture, result.outcome, result)


def capture_page(client: WaybackClient, target: Target, capture: CdxCapture) -> Page | None:
    """The capture parsed as the letter's page, its later pages read; None if not the letter."""
    first = client.fetch_exact(capture.timestamp, capture.original)
    result = _parsed(first, target.url, target.kind, target.options)
    if result is None:
        return None
    copies, partial, signers = _later_pages(client, target, capture.timestamp, result)
    if partial:
        result = replace(result, signers=(), has_list=False)  # an incomplete list is no list
    else:
        result = replace(result, signers=signers)
    return Page(body=first.body, url=target.url, content_type=first.content_type,
                sha256=_sha256(first), result=replace(result, next_page_url=None),
                http_status=first.status_code, capture_url=first.final_url,
                more=() if partial else copies, partial=partial)


def _parsed(fetched: FetchResult, url: str, kind: str,
            options: Mapping[str, Any]) -> ScrapeResult | None:
    try:
        result, empty_reason = parsed_or_empty(
            lambda: parse_page(fetched.body, url, fetched.content_type, kind, options), kind)
    except ParseError:
        return None
    return None if empty_reason is not None else result


def _later_pages(client: WaybackClient, target: Target, timestamp: str, result: ScrapeResult,
                 max_pages: int = 20) -> tuple[tuple[PageCopy, ...], bool, tuple[Signer, ...]]:
    """Pages 2, 3, ... from their captures nearest ``timestamp``; partial when one is missing."""
    seen, copies, signers = {target.url}, [], list(result.signers)
    next_url = result.next_page_url
    while next_url and next_url not in seen and len(copies) + 1 < max_pages:
        seen.add(next_url)
        try:
            fetched = client.fetch(timestamp, next_url)
            parsed = parse_page(fetched.body, next_url, fetched.content_type, result.kind,
                                target.options)
        except RateLimited:
            raise
        except SignwatchScrapeError:
            return tuple(copies), True, tuple(signers)
        if _drift(timestamp, fetched.final_url) > MAX_PAGE_DRIFT:
            return tuple(copies), True, tuple(signers)
        copies.append(PageCopy(next_url, fetched.body, fetched.content_type, _sha256(fetched),
                               capture_url=fetched.final_url))
        signers.extend(parsed.signers)
        next_url = parsed.next_page_url
    return tuple(copies), False, tuple(signers)


def _drift(timestamp: str, capture: str) -> timedelta:
    """How far from ``timestamp`` the capture Wayback answered with was taken."""
    stamp = capture_stamp(capture)
    return abs(stamp_time(stamp) - stamp_time(timestamp)) if stamp else timedelta(0)


def _sha256(fetched: FetchResult) -> str:
    return fetched.sha256 or hashlib.sha256(fetched.body).hexdigest()


# ---------------------------------------------------------------- background jobs (/admin)

def start_background(app: Flask, target: Target, *, since: str | None = None,
                     until: str | None = None) -> int | None:
    """Start a backfill job on a thread of its own; its id, or None while one runs."""
    from models.db import session_factory
    from tracker.runtime import get_poller

    with session_factory(app)() as session, session.begin():
        job = start_job(session, target.id, utcnow())
        if job is None:
            return None
        job_id = job.id
    poller, client = get_poller(app), get_wayback(app)
    thread = threading.Thread(target=run_job, args=(poller, client, job_id, target, since,
                                                    until), name=f"wayback-{target.slug}",
                              daemon=True)
    app.extensions.setdefault("signwatch.wayback_jobs", {})[job_id] = thread
    thread.start()
    return job_id


def run_job(poller: Poller, client: WaybackClient, job_id: int, target: Target,
            since: str | None, until: str | None) -> None:
    """Run a backfill, writing its progress to the job row after each capture."""
    rebuilt: list[str] = []

    def progress(step: Progress) -> None:
        if step.message and REBUILT in step.message:
            rebuilt.append(step.message)  # the rebuild's line, kept for the job's last word
        _write_job(poller, job_id, lambda job: write_progress(job, step, utcnow()))

    try:
        outcomes = backfill_wayback(poller, client, target, since=since, until=until,
                                    on_progress=progress)
    except SignwatchScrapeError as exc:
        message = f"{exc.outcome}: {exc} (what was read is kept; start again to resume)"
        _write_job(poller, job_id, lambda job: finish_job(job, "failed", utcnow(), message))
        return
    except Exception as exc:  # a thread's last word: the job row must not stay "running"
        log.exception("Wayback backfill of %s failed", target.slug)
        message = f"{type(exc).__name__}: {exc}"
        _write_job(poller, job_id, lambda job: finish_job(job, "failed", utcnow(), message))
        return
    summary = "; ".join([*rebuilt[-1:], summarise(outcomes)])
    _write_job(poller, job_id, lambda job: finish_job(job, "done", utcnow(), summary))


def _write_job(poller: Poller, job_id: int, change: Callable[[Any], None]) -> None:
    from models.backfill import BackfillJob

    with poller.sessions() as session, session.begin():
        change(session.get_one(BackfillJob, job_id))


def summarise(outcomes: list[CaptureOutcome]) -> str:
    """'12 captures: 5 recorded, 6 unchanged, 1 missing'."""
    tally: dict[str, int] = {}
    for done in outcomes:
        key = "recorded" if done.recorded else done.outcome
        tally[key] = tally.get(key, 0) + 1
    parts = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in tally.items())
    return f"{len(outcomes)} captures" + (f": {parts}" if parts else "")
