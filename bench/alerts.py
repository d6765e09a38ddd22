"""Benchmark: what alerts cost a poll, and how fast the outbox drains (#17 B).

Prints, each against a baseline measured in the same run (interleaved, median of repeats):
  - recording changed polls (10 new generated signers each, ``Poller.record``, no network)
    of a letter with 10 alert subscriptions (milestones every 100, a surge, a roster, a
    facet), against the same polls of a letter with none;
  - delivering queued alerts through Apprise json:// to a loopback receiver, against a bare
    httpx POST loop of the same JSON bodies to the same receiver.

    .venv/bin/python bench/alerts.py [--polls 100] [--alerts 200] [--repeats 3]
"""

from __future__ import annotations

import argparse
import hashlib
import http.server
import json
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import median

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout, not an install

from app import create_app  # noqa: E402
from bench.synthetic import generated_line  # noqa: E402
from models import Base, queries  # noqa: E402
from models.alerts import AlertSubscription, add_events, event_row  # noqa: E402
from models.db import get_engine, session_factory  # noqa: E402
from scrapers.detect import parse_page  # noqa: E402
from tracker.alerts import SubscriptionSpec, add_subscription  # noqa: E402
from tracker.notify import Deliverer  # noqa: E402
from tracker.poll import Page  # noqa: E402
from tracker.runtime import get_poller  # noqa: E402

START = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
URL = "https://letters.example.org/bench.md"


class Receiver(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    received = 0

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Receiver.received += 1
        # One write: headers and body in separate segments stall a keep-alive client on
        # delayed ACKs (40 ms a request), which would flatter the baseline's rival.
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")

    def log_message(self, *args):
        pass


def page_of(size: int) -> Page:
    body = ("# Bench letter\n\nSigned,\n\n"
            + "".join(f"- {generated_line(i)}\n" for i in range(size))).encode()
    result = parse_page(body, URL, "text/markdown", "markdown", {})
    return Page(body=body, url=URL, content_type="text/markdown",
                sha256=hashlib.sha256(body).hexdigest(), result=result)


def new_letter(app, name: str, subscriptions: int, hook: str) -> int:
    with session_factory(app)() as session, session.begin():
        letter = queries.add_letter(session, url=f"{URL}?{name}", title=name, kind="markdown",
                                    poll_interval_s=900, now=START)
        for n in range(subscriptions):
            spec = SubscriptionSpec(letter_id=letter.id,
                                    milestones=tuple(range(100, 5001, 100)),
                                    surge=(50, 3600), facet=("role_category", "agent"),
                                    needs_editor=n % 2 == 0)
            add_subscription(session, spec, hook, allow_private=True, now=START)
        return letter.id


def record_polls(app, letter_id: int, polls: int, offset: int) -> float:
    """Seconds for ``polls`` changed polls, 10 new signers each."""
    poller = get_poller(app)
    pages = [page_of(10 * (offset + n + 1)) for n in range(polls)]
    started = time.perf_counter()
    for n, page in enumerate(pages):
        poller.record(letter_id, page, observed_at=START + timedelta(minutes=offset + n))
    return time.perf_counter() - started


def bare_posts(hook_http: str, bodies: list[dict]) -> float:
    with httpx.Client() as client:
        started = time.perf_counter()
        for body in bodies:
            client.post(hook_http, content=json.dumps(body),
                        headers={"Content-Type": "application/json"}).raise_for_status()
        return time.perf_counter() - started


def queue_alerts(app, hook: str, count: int) -> list[dict]:
    """``count`` pending alerts (a milestone each, on one snapshot); their payloads."""
    with session_factory(app)() as session, session.begin():
        letter = queries.add_letter(session, url=f"{URL}?q{time.time_ns()}", title="q",
                                    kind="markdown", poll_interval_s=900, now=START)
        sub = add_subscription(session, SubscriptionSpec(letter_id=letter.id, milestones=(1,)),
                               hook, allow_private=True, now=START)
        payloads = []
        for n in range(count):
            payload = {"letter": letter.slug, "letter_title": "q", "kind": "milestone",
                       "count": n, "as_of": "2026-12-07T12:00:00Z",
                       "permalink": f"/letters/{letter.slug}", "signers": [], "milestone": n}
            payloads.append(payload)
        add_events(session, [event_row(sub.id, letter_id=letter.id, snapshot_id=None,
                                       kind="milestone", dedupe_key=f"bench:{n}", as_of=START,
                                       payload=p, now=START) for n, p in enumerate(payloads)])
        return payloads


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--polls", type=int, default=100)
    parser.add_argument("--alerts", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.1.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    hook_http = f"http://127.0.1.1:{server.server_address[1]}/hook"
    hook = f"json://127.0.1.1:{server.server_address[1]}/hook"
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
                          "SECRET_KEY": "bench", "ALLOW_PRIVATE_URLS": True})
        Base.metadata.create_all(get_engine(app))
        with app.app_context():
            run(app, args, hook, hook_http)


def run(app, args, hook: str, hook_http: str) -> None:
    plain, watched = new_letter(app, "plain", 0, hook), new_letter(app, "watched", 10, hook)
    base_times, alert_times = [], []
    for repeat in range(args.repeats):
        offset = repeat * args.polls
        base_times.append(record_polls(app, plain, args.polls, offset))
        alert_times.append(record_polls(app, watched, args.polls, offset))
    with session_factory(app)() as session:
        subs = session.query(AlertSubscription).count()
    print(f"changed polls: {args.polls} per run, {args.repeats} runs, 10 new signers each, "
          f"{subs} subscriptions on the watched letter")
    print(f"  no subscriptions     {median(base_times) / args.polls * 1000:8.2f} ms/poll  1.00x")
    print(f"  10 subscriptions     {median(alert_times) / args.polls * 1000:8.2f} ms/poll  "
          f"{median(alert_times) / median(base_times):.2f}x")
    deliver_times, bare_times = [], []
    deliverer = Deliverer(session_factory(app), allow_private=True)
    for _ in range(args.repeats):
        deliverer.deliver_due()  # drain what the polls queued
        payloads = queue_alerts(app, hook, args.alerts)
        bare_times.append(bare_posts(hook_http, payloads))
        started = time.perf_counter()
        report = deliverer.deliver_due()
        deliver_times.append(time.perf_counter() - started)
        assert report.delivered == args.alerts, report
    print(f"delivery: {args.alerts} alerts per run, {args.repeats} runs, json:// to loopback")
    print(f"  bare httpx POST loop {median(bare_times) / args.alerts * 1000:8.2f} ms/alert 1.00x")
    print(f"  Deliverer (Apprise)  {median(deliver_times) / args.alerts * 1000:8.2f} ms/alert "
          f"{median(deliver_times) / median(bare_times):.2f}x")


if __name__ == "__main__":
    main()
