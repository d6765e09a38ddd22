"""Benchmark: one polling round over 500 letters on loopback, against a bare httpx loop.

Each letter has its own loopback host (127.0.1.1, 127.0.1.2, ...) so per-host politeness
does not serialise the run. Pages are small Markdown letters built from real signer lines of
the 2021 RMS letter (tests/fixtures), a few more per round. Prints:
  - throughput of a bare httpx GET loop over the 500 URLs with the same concurrency;
  - Signwatch's throughput for a round where every page changed (fetch, parse, guard, store),
    and the ratio (goal >= 0.7x);
  - the cost of an unchanged round (304 via ETag) against a changed one (goal <= 0.2x) and
    the snapshot rows it added (goal 0).

    .venv/bin/python bench/poll.py [--letters 500] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import hashlib
import http.server
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import func, select, update

from app import create_app
from models import Base, Letter, Snapshot, queries
from models.db import get_engine, session_factory
from tracker.runtime import get_poller
from tracker.scheduler import Ticker

RMS = Path(__file__).resolve().parent.parent / "tests/fixtures/rms_open_letter_2021_gitsnapshots"
SNAPSHOTS = [path.read_bytes() for path in sorted(RMS.glob("index.md__*.md"))]
LINES = [ln for ln in (RMS / "index.md__0050__8c732e0c21.md").read_text().splitlines()
         if ln.startswith("- ")]


class Site:
    """What every loopback host serves: the current round's letter, with an ETag.

    ``real`` pages are the RMS letter's real snapshots (220 signers, then 936): a changed
    round parses and stores the real growth. ``small`` pages hold 10-11 signer lines."""

    round = 0
    pages = "real"

    @classmethod
    def body(cls) -> bytes:
        if cls.pages == "real":
            return SNAPSHOTS[min(cls.round, len(SNAPSHOTS) - 1)]
        lines = LINES[: 10 + cls.round]
        return ("# A letter\n\nSigned:\n\n" + "\n".join(lines) + "\n").encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802
        if self.path == "/robots.txt":
            return self._send(404, b"")
        body = Site.body()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            return self._send(304, b"", etag)
        return self._send(200, body, etag)

    def _send(self, status: int, body: bytes, etag: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/markdown; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if etag:
            self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def start_hosts(count: int) -> list[str]:
    urls = []
    for n in range(count):
        host = f"127.0.{1 + n // 250}.{1 + n % 250}"
        server = http.server.ThreadingHTTPServer((host, 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        urls.append(f"http://{host}:{server.server_address[1]}/letter.md")
    return urls


def bare_httpx(urls: list[str], concurrency: int) -> float:
    with httpx.Client(trust_env=False) as client, ThreadPoolExecutor(concurrency) as pool:
        start = time.perf_counter()
        list(pool.map(lambda url: client.get(url).raise_for_status(), urls))
        return time.perf_counter() - start


def signwatch_round(app, ids: list[int], concurrency: int) -> float:
    with session_factory(app)() as session, session.begin():
        session.execute(update(Letter).values(next_due_at=datetime(2000, 1, 1, tzinfo=UTC)))
    ticker = Ticker(session_factory(app), get_poller(app).poll, max_concurrent=concurrency,
                    batch=len(ids))
    start = time.perf_counter()
    assert ticker.tick() == len(ids)
    return time.perf_counter() - start


def snapshot_rows(app) -> int:
    with session_factory(app)() as session:
        return session.scalar(select(func.count()).select_from(Snapshot))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--letters", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--pages", choices=("real", "small"), default="real")
    args = parser.parse_args()
    Site.pages = args.pages
    urls = start_hosts(args.letters)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"DATABASE_URL": f"sqlite:///{tmp}/poll.sqlite3", "SECRET_KEY": "b",
                          "ALLOW_PRIVATE_URLS": True, "MIN_HOST_DELAY": 0.0})
        Base.metadata.create_all(get_engine(app))
        with session_factory(app)() as session, session.begin():
            ids = [queries.add_letter(session, url=url, title=None, kind="auto",
                                      poll_interval_s=900, now=datetime.now(UTC)).id
                   for url in urls]
        first = signwatch_round(app, ids, args.concurrency)  # robots.txt + first ingest
        Site.round = 1
        base = bare_httpx(urls, args.concurrency)
        changed = signwatch_round(app, ids, args.concurrency)
        rows_before = snapshot_rows(app)
        unchanged = signwatch_round(app, ids, args.concurrency)
        added = snapshot_rows(app) - rows_before
    n = len(ids)
    print(f"{n} letters on {n} loopback hosts, concurrency {args.concurrency}, SQLite, "
          f"{args.pages} pages ({len(Site.body()) / 1000:.0f} KB in the changed round)")
    print(f"bare httpx GET loop            {n / base:8.0f} letters/s")
    print(f"Signwatch first round (cold)   {n / first:8.0f} letters/s (robots.txt + ingest)")
    print(f"Signwatch changed round        {n / changed:8.0f} letters/s  "
          f"{base / changed:.2f}x of bare httpx (goal >= 0.7)")
    print(f"Signwatch unchanged round      {n / unchanged:8.0f} letters/s  cost "
          f"{unchanged / changed:.2f}x of a changed round (goal <= 0.2), "
          f"{added} new snapshot rows (goal 0)")


if __name__ == "__main__":
    main()
