"""Helpers for pipeline tests: a stepping clock, a letter served over loopback, a poller."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask

from models import queries
from models.db import session_factory
from scrapers.fetch import Fetcher, FetchSettings, build_client
from tracker.guard import GuardSettings
from tracker.poll import Poller, PollSettings

FIXTURES = Path(__file__).parent / "fixtures"
RMS = FIXTURES / "rms_open_letter_2021_gitsnapshots"
RMS_SNAPSHOTS = sorted(RMS.glob("index.md__*.md"))


class SteppingClock:
    """A clock that moves forward by ``step`` every time it is read."""

    def __init__(self, start: datetime | None = None, step: timedelta = timedelta(minutes=1)):
        self.now = start or datetime(2021, 3, 23, 21, 0, tzinfo=UTC)
        self.step = step

    def __call__(self) -> datetime:
        self.now += self.step
        return self.now


class Page:
    """What the loopback server answers next: bytes and a content type, or a status."""

    def __init__(self, body: bytes = b"", content_type: str = "text/markdown; charset=utf-8"):
        self.body, self.content_type, self.status, self.headers = body, content_type, 200, {}

    def serve(self, body: bytes, content_type: str | None = None, status: int = 200,
              headers: dict[str, str] | None = None) -> None:
        self.body, self.status, self.headers = body, status, headers or {}
        if content_type:
            self.content_type = content_type


def make_poller(app: Flask, clock: SteppingClock, *, confirmations: int = 3,
                max_retries: int = 0, poll_log_keep: int = 500,
                read_timeout: float = 2.0) -> Poller:
    """A Poller over a real client (private URLs allowed) that never really sleeps."""
    settings = FetchSettings(allow_private=True, min_host_delay=0.0, max_retries=max_retries,
                             read_timeout=read_timeout, connect_timeout=2.0)
    fetcher = Fetcher(build_client(settings), settings, clock=clock, sleep=lambda _s: None)
    poll_settings = PollSettings(guard=GuardSettings(drop_share=0.2,
                                                     confirmations=confirmations),
                                 poll_log_keep=poll_log_keep)
    return Poller(session_factory(app), fetcher, poll_settings, clock=clock)


def add_letter(app: Flask, url: str, *, kind: str = "auto") -> int:
    with session_factory(app)() as session, session.begin():
        letter = queries.add_letter(session, url=url, title=None, kind=kind,
                                    poll_interval_s=900, now=datetime.now(UTC))
        return letter.id


def serve_first_rms(httpserver) -> str:
    """Serve the RMS letter's first real snapshot (and no robots.txt); its URL."""
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/letter.md").respond_with_data(
        RMS_SNAPSHOTS[0].read_bytes(), content_type="text/markdown")
    return httpserver.url_for("/letter.md")
