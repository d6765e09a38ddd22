"""The CPU cost of a changed poll, in process: N letters each record a real page, then the
next real capture of that page (a changed round: parse, guard, diff, store, enrich).

    PYTHONPATH=. .venv/bin/python bench/poll_changed.py [--letters 100] [--letter SLUG]
                                                        [--profile FILE]

The pages are the last two real captures of a demo letter (tests/fixtures, default the UC
faculty letter: 903 then 935 signers), recorded through ``Poller.record`` (what a poll
does after its fetch) into a fresh SQLite database, one letter after another.
Baseline in the same run: parsing the same page alone (``scrape.parse_page``), the floor of
any poll. Prints the changed round's letters/s and CPU time a letter (the shared machine's
load moves wall time more), and its ratio to the parse alone (CPU); ``--profile`` writes a
cProfile of the changed round.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from models import queries  # noqa: E402
from models.base import utcnow  # noqa: E402
from models.db import session_factory  # noqa: E402
from models.migrate import upgrade  # noqa: E402

GOAL = 50.0


def captures(slug: str):
    """The demo letter ``slug`` and its last two captures."""
    from tracker.demo import DEMO_LETTERS

    demo = next(d for d in DEMO_LETTERS if d.slug == slug)
    return demo, sorted(demo.capture_list(), key=lambda c: c.at)[-2:]


def poll_round(poller, demo, capture, ids: list[int]) -> tuple[float, list]:
    """Parse the capture and record it for every letter, as a poll does after its fetch."""
    from tracker.backfill import page_from_file

    began, cpu = time.perf_counter(), time.process_time()
    results = [poller.record(i, page_from_file(capture.path, demo.url, demo.kind, {}),
                             observed_at=capture.at) for i in ids]
    return time.perf_counter() - began, time.process_time() - cpu, results


def parse_round(demo, capture, letters: int) -> float:
    from tracker.backfill import page_from_file

    began = time.process_time()
    for _ in range(letters):
        page_from_file(capture.path, demo.url, demo.kind, {})
    return time.process_time() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=100)
    parser.add_argument("--letter", default="uc-socscihum-faculty-letter-2026")
    parser.add_argument("--profile", help="write a cProfile of the changed round here")
    args = parser.parse_args()
    demo, (first, second) = captures(args.letter)
    from tracker.runtime import get_poller

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"DATABASE_URL": f"sqlite:///{os.path.join(tmp, 'p.sqlite3')}",
                          "SECRET_KEY": "bench", "TESTING": True})
        upgrade(app.extensions["signwatch.engine"], "head")
        with session_factory(app)() as session, session.begin():
            ids = [queries.add_letter(session, url=f"{demo.url}?copy={n}", title=f"L{n}",
                                      kind=demo.kind, poll_interval_s=900, now=utcnow(),
                                      slug=f"letter-{n}").id for n in range(args.letters)]
        poller = get_poller(app)
        first_round, _, results = poll_round(poller, demo, first, ids)
        profile = cProfile.Profile() if args.profile else None
        if profile:
            profile.enable()
        changed_round, changed_cpu, changed = poll_round(poller, demo, second, ids)
        if profile:
            profile.disable()
            profile.dump_stats(args.profile)
    parse = parse_round(demo, second, args.letters)
    outcomes = {r.outcome for r in changed}
    n = args.letters
    print(f"{demo.slug}: {results[0].listed_count} then {changed[0].listed_count} signers "
          f"(+{changed[0].added} -{changed[0].removed}), {n} letters, outcomes {outcomes}")
    print(f"first round    {first_round:6.2f} s  {n / first_round:6.1f} letters/s")
    print(f"changed round  {changed_round:6.2f} s  {n / changed_round:6.1f} letters/s; CPU "
          f"{changed_cpu:6.2f} s, {1000 * changed_cpu / n:5.1f} ms a letter, "
          f"{2 * n / changed_cpu:5.1f} letters/s on 2 cores at best (goal >= {GOAL:.0f})")
    print(f"parse alone    CPU {parse:6.2f} s, {1000 * parse / n:5.1f} ms a letter; "
          f"changed poll / parse alone (CPU): {changed_cpu / parse:.2f}x")


if __name__ == "__main__":
    main()
