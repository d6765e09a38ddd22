"""Benchmark: a Wayback backfill into the past of a letter tracked already (the history
rebuilt in one transaction) against a Wayback backfill of the same captures into a new
letter, same run.

Two cases, each on a fresh SQLite database per run, the two kinds alternating:
  - rms: the RMS letter's 8 real captures; the tracked letter was polled at the last two,
    so the rebuild fetches the first six and records all eight again;
  - generated: a letter of --signers generated signers polled once, and one earlier capture
    showing nine tenths of them (every signer but the newest found again by the rebuild).
The ratio is the rebuild's time over the from-scratch backfill's.

    .venv/bin/python bench/wayback_past.py [--repeats 3] [--signers 10000]
"""

from __future__ import annotations

import argparse
import hashlib
import http.server
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout, not an install

from bench.synthetic import generated_line  # noqa: E402
from bench.wayback import StandIn, fresh_app  # noqa: E402
from models.db import get_engine  # noqa: E402
from scrapers.detect import parse_page  # noqa: E402
from tracker.demo import DEMO_LETTERS  # noqa: E402
from tracker.poll import Page  # noqa: E402
from tracker.runtime import get_poller  # noqa: E402
from tracker.wayback import backfill_wayback, get_wayback  # noqa: E402

RMS = DEMO_LETTERS[0]
START = datetime(2021, 3, 23, 12, tzinfo=UTC)


def markdown(count: int) -> bytes:
    lines = "\n".join(f"- {generated_line(i)}" for i in range(count))
    return f"# Open letter\n\n## Signed\n\n{lines}\n".encode()


def rms_captures() -> list[tuple[datetime, bytes]]:
    return [(c.at.astimezone(UTC), c.path.read_bytes()) for c in RMS.capture_list()]


def timed(kind: str, base_url: str, captures: list[tuple[datetime, bytes]],
          polled: int) -> float:
    """Seconds for the Wayback backfill alone ("past": after ``polled`` live polls)."""
    StandIn.captures = {at.strftime("%Y%m%d%H%M%S"): body for at, body in captures}
    with tempfile.TemporaryDirectory() as folder:
        app, target = fresh_app(Path(folder), base_url)
        poller = get_poller(app)
        if kind == "past":
            for at, body in captures[-polled:]:
                poller.record(target.id, _page(body), observed_at=at)
        started = time.perf_counter()
        done = backfill_wayback(poller, get_wayback(app), target)
        elapsed = time.perf_counter() - started
        assert len(done) == len(captures)
        get_engine(app).dispose()
        return elapsed


def _page(body: bytes) -> Page:
    result = parse_page(body, RMS.url, "text/markdown", RMS.kind, {})
    return Page(body=body, url=RMS.url, content_type="text/markdown",
                sha256=hashlib.sha256(body).hexdigest(), result=result)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--signers", type=int, default=10_000)
    args = parser.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    generated = [(START, markdown(args.signers * 9 // 10)),
                 (START + timedelta(days=1), markdown(args.signers))]
    cases = {"rms (8 captures, 2 polled)": (rms_captures(), 2),
             f"generated ({args.signers:,} signers, 1 polled)": (generated, 1)}
    print(f"median of {args.repeats} runs each")
    for name, (captures, polled) in cases.items():
        runs: dict[str, list[float]] = {"scratch": [], "past": []}
        for _ in range(args.repeats):
            for kind in runs:
                runs[kind].append(timed(kind, base_url, captures, polled))
        scratch, past = median(runs["scratch"]), median(runs["past"])
        print(f"{name}")
        print(f"  new letter, all captures   {scratch * 1000:8.1f} ms")
        print(f"  tracked letter, rebuilt    {past * 1000:8.1f} ms   {past / scratch:.2f}x")
    server.shutdown()


if __name__ == "__main__":
    main()
