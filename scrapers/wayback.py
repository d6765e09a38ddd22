"""The Wayback Machine: its CDX index of a URL's captures, and the raw bytes of each capture.

Requests go through the shared polite Fetcher (robots.txt, the SSRF guard, Retry-After on
429/503, one request at a time per host) and, on top, a per-minute budget for CDX queries and
one for captures (RateLimiter). The ``wayback`` package would bring a requests session of its
own, outside the guard and the shared fetch settings, so this is the Fetcher and two URLs.

Parsing the CDX answer is pure: bytes in, captures out.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from scrapers.errors import EmptyBody, HTTPStatusError, MissingCapture, ParseError
from scrapers.fetch import Fetcher, FetchResult

DEFAULT_BASE_URL = "https://web.archive.org"
CDX_FIELDS = ("timestamp", "original", "statuscode", "digest", "mimetype")
_STAMP = re.compile(r"\d{14}")
_BOUND = re.compile(r"\d{4}(?:\d\d){0,5}")
_CAPTURE_PATH = re.compile(r"/web/(\d{14})(?:[a-z]{2}_)?/")


@dataclass(frozen=True)
class CdxCapture:
    """One row of the CDX index: a capture of ``original`` at ``timestamp`` (UTC)."""

    timestamp: str
    original: str
    statuscode: str
    digest: str
    mimetype: str

    @property
    def at(self) -> datetime:
        return stamp_time(self.timestamp)


def stamp_time(stamp: str) -> datetime:
    """A Wayback 14-digit stamp (20230815174800) as an aware UTC time."""
    return datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)


def bound_stamp(text: str | None) -> str | None:
    """A --from/--to bound as the CDX takes it: 2023, 20230815, 2023-08-15 or up to 14 digits."""
    value = (text or "").strip().replace("-", "")
    if not value:
        return None
    if not _BOUND.fullmatch(value):
        raise ValueError(f"{text!r} is not a time like 20230815 or 2023-08-15")
    return value


def cdx_query_url(base_url: str, url: str, since: str | None = None,
                  until: str | None = None) -> str:
    """The CDX query for ``url``'s distinct 200 captures, optionally within [since, until]."""
    params = [("url", url), ("output", "json"), ("fl", ",".join(CDX_FIELDS)),
              ("filter", "statuscode:200"), ("collapse", "digest")]
    params += [(name, value) for name, value in (("from", since), ("to", until)) if value]
    return f"{base_url.rstrip('/')}/cdx/search/cdx?{urlencode(params)}"


def capture_url(base_url: str, timestamp: str, url: str) -> str:
    """The raw capture (``id_``: the bytes as archived, no Wayback toolbar or rewriting)."""
    return f"{base_url.rstrip('/')}/web/{timestamp}id_/{url}"


def capture_stamp(url: str) -> str | None:
    """The 14-digit stamp inside a capture URL (after Wayback's redirect to the nearest)."""
    found = _CAPTURE_PATH.search(url)
    return found.group(1) if found else None


def parse_cdx(body: bytes) -> list[CdxCapture]:
    """CDX JSON rows -> captures, oldest first, a run of one digest kept once (its first)."""
    rows = _cdx_rows(body)
    if not rows:
        return []
    header, captures = rows[0], []
    try:
        index = [header.index(name) for name in CDX_FIELDS]
    except ValueError:
        raise ParseError(f"the CDX answer lacks a field of {', '.join(CDX_FIELDS)}") from None
    for row in rows[1:]:
        if len(row) == len(header) and _STAMP.fullmatch(str(row[index[0]])):
            captures.append(CdxCapture(*(str(row[i]) for i in index)))
    captures.sort(key=lambda capture: capture.timestamp)
    return [c for n, c in enumerate(captures) if n == 0 or captures[n - 1].digest != c.digest]


def _cdx_rows(body: bytes) -> list[list[object]]:
    if not body.strip():
        return []
    try:
        rows = json.loads(body)
    except ValueError:
        raise ParseError("the CDX answer is not JSON") from None
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise ParseError("the CDX answer is not a list of rows")
    return rows


class RateLimiter:
    """At most ``per_minute`` calls in any 60 seconds: ``wait()`` sleeps until one is free."""

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if per_minute < 1:
            raise ValueError("a rate limit needs at least one request a minute")
        self.per_minute, self._clock, self._sleep = per_minute, clock, sleep
        self._recent: deque[float] = deque()
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = self._clock()
            while self._recent and now - self._recent[0] >= 60.0:
                self._recent.popleft()
            if len(self._recent) >= self.per_minute:
                self._sleep(60.0 - (now - self._recent[0]))
                now = max(self._clock(), self._recent.popleft() + 60.0)
            self._recent.append(now)


class WaybackClient:
    """The CDX index and the captures of one Wayback Machine, each within its budget."""

    def __init__(self, fetcher: Fetcher, base_url: str = DEFAULT_BASE_URL, *,
                 cdx_limiter: RateLimiter | None = None,
                 capture_limiter: RateLimiter | None = None) -> None:
        self.fetcher, self.base_url = fetcher, base_url.rstrip("/")
        self.cdx_limiter = cdx_limiter or RateLimiter(20)
        self.capture_limiter = capture_limiter or RateLimiter(60)

    def captures(self, url: str, since: str | None = None,
                 until: str | None = None) -> list[CdxCapture]:
        """The distinct 200 captures of ``url``, oldest first; FetchError or ParseError."""
        self.cdx_limiter.wait()
        try:
            answer = self.fetcher.fetch(cdx_query_url(self.base_url, url, since, until))
        except EmptyBody:
            return []  # how the CDX server says it never captured the URL
        return parse_cdx(answer.body)

    def fetch(self, timestamp: str, url: str) -> FetchResult:
        """The raw capture of ``url`` at ``timestamp``, or the nearest one Wayback redirects to."""
        self.capture_limiter.wait()
        return self.fetcher.fetch(capture_url(self.base_url, timestamp, url))

    def fetch_exact(self, timestamp: str, url: str) -> FetchResult:
        """The capture the index listed; MissingCapture when the archive gives another or none."""
        try:
            fetched = self.fetch(timestamp, url)
        except HTTPStatusError as exc:
            if exc.status_code not in (404, 410):
                raise
            raise MissingCapture(f"the archive has lost its capture of {timestamp} ({exc})",
                                 url=exc.url) from None
        answered = capture_stamp(fetched.final_url)
        if answered not in (None, timestamp):
            raise MissingCapture(f"the archive answered with its capture of {answered} instead "
                                 f"of {timestamp}", url=fetched.final_url)
        return fetched
