"""Benchmark: the first poll of a GENERATED 100,000-signer letter against raw sqlite3.

The letter is generated here (synthetic names, no real people) as a Markdown page served over
loopback. Times, each on a fresh SQLite file:
  (a) baseline: sqlite3 ``executemany`` of the same 100,000 rows into one plain table;
  (b) Signwatch ingest: ``Poller.record`` of the parsed page (archive, snapshot, persons,
      signatures, events, poll log: one transaction), without facets;
  (b') the same with enrichment (signer-line parsing and facets, as a real poll does);
  (c) Signwatch first poll end to end: fetch over loopback + parse + (b).
Goal: (c)/(a) <= 3.

    .venv/bin/python bench/ingest.py [--signers 100000]
"""

from __future__ import annotations

import argparse
import hashlib
import http.server
import sqlite3
import tempfile
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from app import create_app
from models import Base, queries
from models.db import get_engine, session_factory
from scrapers.detect import parse_page
from tracker.poll import Page, Poller, signer_rows
from tracker.runtime import get_poller

GOAL = 3.0
FIRST = "Ada Alan Grace Linus Margaret Dennis Barbara Ken Frances Edsger Radia Hedy".split()
LAST = "Lovelace Turing Hopper Torvalds Hamilton Ritchie Liskov Thompson Allen Dijkstra".split()


def generated_letter(n: int) -> bytes:
    """A Markdown open letter with ``n`` synthetic signers (unique names)."""
    lines = ["# A generated open letter", "", "We ask for things.", "", "## Signed", ""]
    for i in range(n):
        name = f"{FIRST[i % len(FIRST)]} {LAST[(i // 12) % len(LAST)]} {i:06d}"
        lines.append(f"1. {name} (Generated University, researcher)")
    return ("\n".join(lines) + "\n").encode()


def baseline(rows: list[tuple], path: Path) -> float:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE signature (letter_id INT, name_key TEXT, occurrence INT, "
                 "name TEXT, raw TEXT, position INT, first_seen_at TEXT, last_seen_at TEXT)")
    start = time.perf_counter()
    with conn:
        conn.executemany("INSERT INTO signature VALUES (?,?,?,?,?,?,?,?)", rows)
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def signwatch_app(path: Path):
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "bench",
                      "ALLOW_PRIVATE_URLS": True, "MIN_HOST_DELAY": 0.0})
    Base.metadata.create_all(get_engine(app))
    return app


def new_letter(app, url: str) -> int:
    with session_factory(app)() as session, session.begin():
        return queries.add_letter(session, url=url, title="bench", kind="markdown",
                                  poll_interval_s=900, now=datetime.now(UTC)).id


def serve(body: bytes) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            data = body if self.path == "/letter.md" else b""
            self.send_response(200 if data else 404)
            self.send_header("Content-Type", "text/markdown")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/letter.md"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--signers", type=int, default=100_000)
    n = parser.parse_args().signers
    body = generated_letter(n)
    result = parse_page(body, "http://127.0.0.1/letter.md", "text/markdown", "markdown")
    now = datetime.now(UTC).isoformat()
    rows = [(1, r.name_key, r.occurrence, r.name, r.raw, r.position, now, now)
            for r in signer_rows(result)]
    print(f"generated letter: {n:,} synthetic signers, {len(body) / 1e6:.1f} MB; "
          f"parsed {result.listed_count:,}")
    with tempfile.TemporaryDirectory() as tmp:
        base = baseline(rows, Path(tmp) / "raw.sqlite3")
        app = signwatch_app(Path(tmp) / "ingest.sqlite3")
        page = Page(body=body, url="http://127.0.0.1/letter.md", content_type="text/markdown",
                    sha256=hashlib.sha256(body).hexdigest(), result=result)
        letter_id = new_letter(app, "http://127.0.0.1/letter.md")
        poller = get_poller(app)
        core = Poller(poller.sessions, poller.fetcher, replace(poller.settings, rules=None))
        start = time.perf_counter()
        core.record(letter_id, page, observed_at=datetime.now(UTC))
        ingest = time.perf_counter() - start
        app3 = signwatch_app(Path(tmp) / "enriched.sqlite3")
        letter_id = new_letter(app3, "http://127.0.0.1/letter.md")
        start = time.perf_counter()
        get_poller(app3).record(letter_id, page, observed_at=datetime.now(UTC))
        enriched = time.perf_counter() - start
        app2 = signwatch_app(Path(tmp) / "poll.sqlite3")
        server, url = serve(body)
        letter_id = new_letter(app2, url)
        start = time.perf_counter()
        outcome = get_poller(app2).poll(letter_id)
        full = time.perf_counter() - start
        server.shutdown()
    print(f"(a) raw sqlite3 executemany       {base * 1000:8.0f} ms  1.00x")
    print(f"(b) Signwatch ingest, no facets    {ingest * 1000:8.0f} ms  {ingest / base:.2f}x")
    print(f"(b') ingest with facets           {enriched * 1000:8.0f} ms  {enriched / base:.2f}x")
    print(f"(c) Signwatch first poll (fetch+parse+record) {full * 1000:8.0f} ms  "
          f"{full / base:.2f}x  ({'ok' if full / base <= GOAL else 'over'} goal <= {GOAL})"
          f"  [{outcome.outcome}, {outcome.listed_count:,} listed]")


if __name__ == "__main__":
    main()
