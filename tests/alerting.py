"""Helpers for the alert tests (no tests here): a letter served over loopback whose count and
list a test sets, a webhook receiver on the same loopback server, a deliverer."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from pytest_httpserver import HTTPServer
from sqlalchemy import select
from werkzeug import Request, Response

from bench.synthetic import generated_line
from enrich.roles import RoleRules
from models.alerts import AlertEvent
from models.db import session_factory
from models.letters import Letter
from tests.tracking import Page, SteppingClock, add_letter, make_poller
from tracker.alerts import SubscriptionSpec, add_subscription
from tracker.notify import Deliverer

START = datetime(2020, 2, 17, 12, 0, tzinfo=UTC)
PUBLIC_URL = "https://signwatch.example"


def letter_page(names: range | list[int], stated: int | None = None,
                title: str = "Statement by DOJ alumni") -> bytes:
    """A Markdown letter listing generated signers ``names`` (and a stated count)."""
    items = "".join(f"- {generated_line(i)}\n" for i in names)
    count = f"**{stated:,} signatures**\n\n" if stated is not None else ""
    return f"# {title}\n\n{count}Signed,\n\n{items}".encode()


class Hook:
    """A webhook receiver: every JSON body POSTed to /hook, in order."""

    def __init__(self, httpserver: HTTPServer, status: int = 200):
        self.bodies: list[dict[str, Any]] = []
        self.status = status
        httpserver.expect_request("/hook", method="POST").respond_with_handler(self._take)
        self.url = f"json://{httpserver.host}:{httpserver.port}/hook"

    def _take(self, request: Request) -> Response:
        if self.status == 200:
            self.bodies.append(json.loads(request.get_data()))
        return Response("ok" if self.status == 200 else "no", status=self.status)

    def kinds(self) -> list[str]:
        return [body["kind"] for body in self.bodies]


class AlertLetter:
    """A letter on the loopback server, polled at times the test sets."""

    def __init__(self, app: Flask, httpserver: HTTPServer, *, confirmations: int = 3,
                 rules: RoleRules | None = None):
        self.app, self.page, self.server = app, Page(b""), httpserver
        self.title = "Statement by DOJ alumni"  # the page's heading: the letter's title
        httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
        httpserver.expect_request("/alert-letter.md").respond_with_handler(
            lambda _r: Response(self.page.body, status=self.page.status,
                                content_type="text/markdown"))
        self.clock = SteppingClock(START, step=timedelta(seconds=1))
        self.poller = make_poller(app, self.clock, confirmations=confirmations)
        self.poller.settings = replace(self.poller.settings, rules=rules)  # rules: facets
        self.id = add_letter(app, httpserver.url_for("/alert-letter.md"), kind="markdown")
        with session_factory(app)() as session:
            self.slug = session.get_one(Letter, self.id).slug

    def poll(self, names: range | list[int], stated: int | None = None, *,
             after: timedelta = timedelta(minutes=15)) -> str:
        """Serve the page, poll it ``after`` the last poll; the outcome."""
        self.page.serve(letter_page(names, stated, self.title))
        self.clock.now += after
        return self.poller.poll(self.id).outcome

    def refused(self, *, after: timedelta = timedelta(minutes=15)) -> str:
        """Poll while an anti-bot wall answers; the outcome."""
        self.page.serve(b"<title>Just a moment...</title>", status=403)
        self.clock.now += after
        return self.poller.poll(self.id).outcome

    def subscribe(self, url: str, **spec: Any) -> int:
        with session_factory(self.app)() as session, session.begin():
            return add_subscription(session, SubscriptionSpec(letter_id=self.id, **spec), url,
                                    allow_private=True, now=START).id


def deliverer(app: Flask, **kwargs: Any) -> Deliverer:
    """A deliverer that may reach loopback, with absolute permalinks on PUBLIC_URL."""
    return Deliverer(session_factory(app), public_url=PUBLIC_URL, allow_private=True,
                     **kwargs)


def outbox(app: Flask) -> list[tuple[str, str]]:
    """(kind, status) of every outbox row, oldest first."""
    with session_factory(app)() as session:
        return [tuple(row) for row in session.execute(
            select(AlertEvent.kind, AlertEvent.status).order_by(AlertEvent.id))]
