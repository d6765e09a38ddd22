"""A local stand-in for the Wayback Machine on pytest-httpserver: a CDX index that answers
what the real one does (JSON rows, a header row first, from/to bounds, an empty body for a URL
never captured) and raw ``id_`` captures, redirecting a time with no capture of that URL to
its nearest one as web.archive.org does. It can also refuse a request once (a 503 with
Retry-After) or lose a capture the index lists (a 404)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask import Flask
from pytest_httpserver import HTTPServer
from sqlalchemy import select
from werkzeug import Request, Response

from models import Signature, Snapshot
from models.db import session_factory
from scrapers.wayback import stamp_time
from tracker.backfill import CONTENT_TYPES

_CAPTURE = re.compile(r"^/web/(\d{14})id_/(.+)$", re.S)


def stamp(moment: datetime) -> str:
    """An aware time as a Wayback 14-digit UTC stamp."""
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M%S")


@dataclass
class Capture:
    url: str
    timestamp: str
    body: bytes
    content_type: str

    @property
    def digest(self) -> str:
        return hashlib.sha1(self.body).hexdigest().upper()


@dataclass
class WaybackStandIn:
    server: HTTPServer
    captures: list[Capture] = field(default_factory=list)
    lost: set[str] = field(default_factory=set)  # timestamps the index lists, but 404
    moved: set[str] = field(default_factory=set)  # ... redirected to the nearest other one
    refuse_next: list[tuple[str, int, str]] = field(default_factory=list)  # (path, status, wait)
    repeat_rows: int = 1  # each index row this many times, as if collapse were ignored
    requests: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.server.expect_request("/robots.txt").respond_with_data("", status=404)
        self.server.expect_request("/cdx/search/cdx").respond_with_handler(self._cdx)
        self.server.expect_request(re.compile(r"^/web/.*")).respond_with_handler(self._capture)

    @property
    def base_url(self) -> str:
        return self.server.url_for("").rstrip("/")

    def add(self, url: str, at: datetime | str, body: bytes, content_type: str) -> str:
        """Archive ``body`` as ``url`` at ``at``; its timestamp."""
        timestamp = at if isinstance(at, str) else stamp(at)
        self.captures.append(Capture(url, timestamp, body, content_type))
        return timestamp

    def add_file(self, url: str, at: datetime, path) -> str:
        return self.add(url, at, path.read_bytes(),
                        CONTENT_TYPES.get(path.suffix.lower(), "text/html"))

    def capture_requests(self) -> list[str]:
        return [path for path in self.requests if path.startswith("/web/")]

    def _refused(self, path: str) -> Response | None:
        for n, (prefix, status, wait) in enumerate(self.refuse_next):
            if path.startswith(prefix):
                del self.refuse_next[n]
                return Response("busy", status=status, headers={"Retry-After": wait})
        return None

    def _cdx(self, request: Request) -> Response:
        self.requests.append(request.full_path)
        refused = self._refused(request.path)
        if refused is not None:
            return refused
        url, since, until = (request.args.get(k) for k in ("url", "from", "to"))
        low, high = (since or "").ljust(14, "0"), (until or "").ljust(14, "9")
        rows = [[c.timestamp, c.url, "200", c.digest, c.content_type.split(";")[0]]
                for c in sorted(self.captures, key=lambda c: c.timestamp)
                if c.url == url and low <= c.timestamp <= high]
        if not rows:
            return Response("", content_type="text/plain")
        header = ["timestamp", "original", "statuscode", "digest", "mimetype"]
        body = [header] + [row for row in rows for _ in range(self.repeat_rows)]
        return Response(json.dumps(body), content_type="application/json")

    def _capture(self, request: Request) -> Response:
        target = request.full_path.rstrip("?")
        self.requests.append(target)
        refused = self._refused(request.path)
        if refused is not None:
            return refused
        found = _CAPTURE.match(target)
        if found is None:
            return Response("not a capture URL", status=400)
        timestamp, url = found.groups()
        if timestamp in self.lost:
            return Response("not in archive", status=404)
        return self._nearest(timestamp, url)

    def _nearest(self, timestamp: str, url: str) -> Response:
        same = [c for c in self.captures if c.url == url and c.timestamp not in self.moved]
        if not same:
            return Response("not in archive", status=404)
        want = stamp_time(timestamp)
        best = min(same, key=lambda c: abs((stamp_time(c.timestamp) - want).total_seconds()))
        if best.timestamp != timestamp:
            return Response("", status=302,
                            headers={"Location": f"/web/{best.timestamp}id_/{url}"})
        return Response(best.body, content_type=best.content_type)


def series(app: Flask, letter_id: int) -> list[tuple]:
    """Each snapshot of the letter as the fields a rebuilt series must reproduce, oldest first."""
    with session_factory(app)() as session:
        return [(s.observed_at, s.last_confirmed_at, s.confirmations, s.reported_count,
                 s.listed_count, s.list_sha256, s.status, s.archive_sha256)
                for s in session.scalars(select(Snapshot).where(Snapshot.letter_id == letter_id)
                                         .order_by(Snapshot.observed_at))]


def signers(app: Flask, letter_id: int) -> list[tuple]:
    """Each signature of the letter as the fields a rebuilt history must reproduce."""
    with session_factory(app)() as session:
        return [(s.name_key, s.occurrence, s.position, s.first_seen_at, s.removed_at)
                for s in session.scalars(select(Signature).where(
                    Signature.letter_id == letter_id).order_by(Signature.name_key,
                                                               Signature.occurrence))]
