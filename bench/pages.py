"""Server time of the reader pages and the API on one big generated letter.

    .venv/bin/python bench/pages.py [--snapshots 100000] [--signers 100000] [--runs 20]

Generates (synthetic data, no real people) one letter with N snapshots and M signers (each
with an "added" event and a facet) in a temporary SQLite database, then times each URL
through the WSGI app (Flask test client: server time, no network) and prints p50/p95 in ms
against the goal (p95 <= 100 ms), and the chart payload size.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402

from app import create_app  # noqa: E402
from models import Base, Facet, Letter, Signature, SignatureEvent, Snapshot  # noqa: E402
from models.db import make_engine  # noqa: E402

SLUG = "generated"
START = datetime(2020, 2, 17, tzinfo=UTC)
ROLES = ["career prosecutor", "political appointee", "FBI agent", "judge", "other"]
GOAL_MS = 100.0


def generate_letter(url: str, snapshots: int, signers: int, batch: int = 20_000) -> None:
    """Write the generated letter: monotone counts a minute apart, signers in order."""
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(Letter), [dict(
            id=1, slug=SLUG, title="Generated letter", url="https://example.org/letter",
            kind="html", options={}, poll_interval_s=900, active=True, created_at=START,
            consecutive_failures=0, last_polled_at=START)])
        _snapshots(conn, snapshots, signers, batch)
        _signers(conn, signers, snapshots, batch)
    engine.dispose()


def _snapshots(conn, count: int, signers: int, batch: int) -> None:
    rows = []
    for i in range(count):
        at = START + timedelta(minutes=i)
        listed = signers * (i + 1) // count
        rows.append(dict(id=i + 1, letter_id=1, observed_at=at, last_confirmed_at=at,
                         confirmations=1, reported_count=listed + i // 10,
                         listed_count=listed, status="ok", fingerprint_changed=False))
        if len(rows) == batch:
            conn.execute(insert(Snapshot), rows)
            rows = []
    if rows:
        conn.execute(insert(Snapshot), rows)


def _signers(conn, count: int, snapshots: int, batch: int) -> None:
    for start in range(0, count, batch):
        ids = range(start + 1, min(count, start + batch) + 1)
        snap = [min(snapshots, 1 + (i - 1) * snapshots // count) for i in ids]
        at = [START + timedelta(minutes=s - 1) for s in snap]
        conn.execute(insert(Signature), [dict(
            id=i, letter_id=1, name_key=f"person {i}", occurrence=1, name=f"Person {i}",
            raw=f"Person {i}, Example Org {i % 97}", position=i, first_seen_at=a,
            last_seen_at=a, first_snapshot_id=s) for i, a, s in zip(ids, at, snap, strict=True)])
        conn.execute(insert(SignatureEvent), [dict(
            letter_id=1, signature_id=i, snapshot_id=s, kind="added", at=a)
            for i, a, s in zip(ids, at, snap, strict=True)])
        conn.execute(insert(Facet), [dict(
            signature_id=i, key="role_category", value=ROLES[i % len(ROLES)], source="rule",
            overridden=False, created_at=START) for i in ids if i % 7])


def time_url(client, url: str, runs: int) -> tuple[float, float, int]:
    """p50 and p95 in ms over ``runs`` requests (after one warm-up), and the body size."""
    size = len(client.get(url).get_data())
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        response = client.get(url)
        response.get_data()
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snapshots", type=int, default=100_000)
    parser.add_argument("--signers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{os.path.join(tmp, 'bench.sqlite3')}"
        began = time.perf_counter()
        generate_letter(url, args.snapshots, args.signers)
        print(f"generated {args.snapshots:,} snapshots, {args.signers:,} signers (synthetic) "
              f"in {time.perf_counter() - began:.1f} s")
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TESTING": True,
                          "RATELIMIT_ENABLED": False})
        gc.collect()
        gc.freeze()  # as `signwatch run` does after start-up: full collections skip the app
        report(app.test_client(), args.runs)


def report(client, runs: int) -> None:
    urls = [f"/letters/{SLUG}", f"/letters/{SLUG}/signers", f"/letters/{SLUG}/signers?page=1000",
            f"/letters/{SLUG}/signers?facet=role_category:judge", f"/api/v1/letters/{SLUG}",
            f"/api/v1/letters/{SLUG}/signers", f"/api/v1/letters/{SLUG}/composition", "/"]
    print(f"{'url':55} {'p50 ms':>8} {'p95 ms':>8} {'bytes':>10}  goal p95 <= {GOAL_MS:.0f} ms")
    for url in urls:
        p50, p95, size = time_url(client, url, runs)
        verdict = "ok" if p95 <= GOAL_MS else "OVER"
        print(f"{url:55} {p50:8.1f} {p95:8.1f} {size:10,}  {verdict}")
    body = client.get(f"/letters/{SLUG}").get_data(as_text=True)
    start = body.index('id="chart-data">') + len('id="chart-data">')
    payload = body[start:body.index("</script>", start)]
    print(f"chart payload: {len(payload):,} bytes, {payload.count(',') // 4:,} values approx")


if __name__ == "__main__":
    main()
