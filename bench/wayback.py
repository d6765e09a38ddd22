"""Benchmark: a Wayback backfill of the RMS letter's 8 real captures from a loopback stand-in,
against the same captures backfilled from their files (``signwatch demo``'s path), same run.

The ratio is the Wayback backfill's cost over the file backfill's: what fetching each capture
over HTTP (the polite fetcher, the CDX query, the rate limiters) adds to the pipeline. The
per-minute budgets are lifted and the host delay is zero, so the bench measures Signwatch
rather than its manners. Each run backfills a fresh letter on a fresh SQLite database;
the two kinds alternate, ``--repeats`` times each, and the medians are compared.

    .venv/bin/python bench/wayback.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import hashlib
import http.server
import json
import tempfile
import threading
import time
from pathlib import Path
from statistics import median
from urllib.parse import parse_qs, urlsplit

from app import create_app
from models import Base, queries
from models.base import utcnow
from models.db import get_engine, session_factory
from tracker.backfill import backfill
from tracker.demo import DEMO_LETTERS
from tracker.runtime import get_poller
from tracker.wayback import Target, backfill_wayback, get_wayback

RMS = DEMO_LETTERS[0]
CAPTURES = {c.at.strftime("%Y%m%d%H%M%S"): c.path.read_bytes() for c in RMS.capture_list()}


class StandIn(http.server.BaseHTTPRequestHandler):
    """The CDX rows and the raw captures of the RMS letter (``captures``: stamp -> body, the
    letter's real ones unless a bench sets others); nothing else."""

    captures: dict[str, bytes] = CAPTURES

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        parts = urlsplit(self.path)
        if parts.path == "/cdx/search/cdx":
            assert parse_qs(parts.query)["url"] == [RMS.url]
            rows = [["timestamp", "original", "statuscode", "digest", "mimetype"]] + [
                [stamp, RMS.url, "200", hashlib.sha1(body).hexdigest(), "text/markdown"]
                for stamp, body in sorted(self.captures.items())]
            return self._send(200, json.dumps(rows).encode(), "application/json")
        if parts.path.startswith("/web/"):
            return self._send(200, self.captures[parts.path[5:19]], "text/markdown")
        return self._send(404, b"", "text/plain")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args) -> None:
        pass


def fresh_app(folder: Path, base_url: str):
    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
                      "SECRET_KEY": "bench", "ALLOW_PRIVATE_URLS": True, "MIN_HOST_DELAY": 0.0,
                      "WAYBACK_URL": base_url, "WAYBACK_CDX_PER_MINUTE": 10_000,
                      "WAYBACK_CAPTURES_PER_MINUTE": 10_000})
    Base.metadata.create_all(get_engine(app))
    with session_factory(app)() as session, session.begin():
        letter = queries.add_letter(session, url=RMS.url, title=RMS.title, kind=RMS.kind,
                                    poll_interval_s=3600, now=utcnow(), slug=RMS.slug)
        target = Target(letter.id, letter.slug, RMS.url, RMS.kind, {})
    return app, target


def timed(kind: str, base_url: str) -> float:
    with tempfile.TemporaryDirectory() as folder:
        app, target = fresh_app(Path(folder), base_url)
        poller = get_poller(app)
        started = time.perf_counter()
        if kind == "wayback":
            done = backfill_wayback(poller, get_wayback(app), target)
        else:
            done = backfill(poller, target.id, RMS.url, RMS.kind, {}, RMS.capture_list())
        elapsed = time.perf_counter() - started
        assert len(done) == len(CAPTURES)
        get_engine(app).dispose()
        return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    runs: dict[str, list[float]] = {"files": [], "wayback": []}
    for _ in range(args.repeats):
        for kind in runs:
            runs[kind].append(timed(kind, base_url))
    files, wayback = median(runs["files"]), median(runs["wayback"])
    print(f"{len(CAPTURES)} captures, median of {args.repeats} runs each")
    print(f"from files         {files * 1000:8.1f} ms")
    print(f"from Wayback       {wayback * 1000:8.1f} ms   {wayback / files:.2f}x")
    server.shutdown()


if __name__ == "__main__":
    main()
