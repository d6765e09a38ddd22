"""Streamed signers CSV against a bare csv.writer over the same SELECT.

    .venv/bin/python bench/export.py [--signers 1000000]

Generates (synthetic data, no real people) one letter with N signers in a temporary SQLite
database, then, each in a fresh child process so peak RSS is its own:
(a) bare: csv.writer over ``SELECT ... FROM signature ORDER BY position`` (no facets, no
    quoting rules); (b) the /letters/<slug>/signers.csv response streamed through the WSGI app.
Prints rows/s, the ratio (goal >= 0.5x) and each child's peak RSS (goal < 200 MB).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

GOAL_RATIO = 0.5
GOAL_RSS_MB = 200
BARE_SELECT = ("SELECT position, name, raw, affiliation, role, location, first_seen_at, "
               "last_seen_at, removed_at, person_id FROM signature WHERE letter_id = 1 "
               "ORDER BY position")


class Discard:
    """A file that counts what is written and keeps nothing."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, text: str) -> int:
        self.size += len(text)
        return len(text)


def run_bare(url: str) -> dict[str, float]:
    from sqlalchemy import text

    from models.db import make_engine

    engine = make_engine(url)
    out, rows = Discard(), 0
    began = time.perf_counter()
    with engine.connect() as conn:
        writer = csv.writer(out)
        result = conn.execution_options(yield_per=1000).execute(text(BARE_SELECT))
        for row in result:
            writer.writerow(row)
            rows += 1
    return _measure(began, rows, out.size)


def run_app(url: str) -> dict[str, float]:
    from pages import SLUG

    from app import create_app

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": True,
                      "RATELIMIT_ENABLED": False})
    client = app.test_client()
    began = time.perf_counter()
    response = client.get(f"/letters/{SLUG}/signers.csv", buffered=False)
    size = 0
    lines = 0
    for chunk in response.response:
        size += len(chunk)
        lines += chunk.count(b"\n") if isinstance(chunk, bytes) else chunk.count("\n")
    return _measure(began, lines - 1, size)


def _measure(began: float, rows: int, size: int) -> dict[str, float]:
    seconds = time.perf_counter() - began
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"rows": rows, "seconds": seconds, "rows_per_s": rows / seconds, "bytes": size,
            "peak_rss_mb": peak_mb}


def child(mode: str, url: str) -> dict[str, float]:
    """Run one measurement in a fresh interpreter and read its JSON line."""
    done = subprocess.run([sys.executable, __file__, "--child", mode, "--url", url],
                          capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{mode} run failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signers", type=int, default=1_000_000)
    parser.add_argument("--child", choices=["bare", "app"])
    parser.add_argument("--url")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_bare(args.url) if args.child == "bare" else run_app(args.url)))
        return
    from pages import generate_letter

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{os.path.join(tmp, 'export.sqlite3')}"
        began = time.perf_counter()
        generate_letter(url, snapshots=1000, signers=args.signers)
        print(f"generated {args.signers:,} signers (synthetic) in "
              f"{time.perf_counter() - began:.1f} s")
        bare, app = child("bare", url), child("app", url)
    for name, result in (("bare csv.writer", bare), ("signers.csv (app)", app)):
        print(f"{name:20} {result['rows']:>10,.0f} rows {result['seconds']:6.1f} s "
              f"{result['rows_per_s']:>10,.0f} rows/s  peak RSS {result['peak_rss_mb']:.0f} MB")
    ratio = app["rows_per_s"] / bare["rows_per_s"]
    print(f"ratio {ratio:.2f}x ({'ok' if ratio >= GOAL_RATIO else 'BELOW'}, goal >= "
          f"{GOAL_RATIO}x); app peak RSS {app['peak_rss_mb']:.0f} MB "
          f"({'ok' if app['peak_rss_mb'] < GOAL_RSS_MB else 'OVER'}, goal < {GOAL_RSS_MB} MB)")


if __name__ == "__main__":
    main()
