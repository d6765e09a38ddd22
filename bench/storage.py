"""Bytes per signer on SQLite for a real letter, at the schema before #16 and at head.

    PYTHONPATH=. .venv/bin/python bench/storage.py [--baseline 0006] [--letter SLUG]

For each schema, a fresh SQLite file is migrated (``models.migrate.upgrade``), the real demo
letter (default: the UC faculty letter, six real CSV captures, tests/fixtures/SOURCES.md) is
backfilled through the tracker as ``signwatch demo`` does, the file is VACUUMed, and
page_count * page_size is divided by the letter's signers. The signer tables (signature, its
events, facets, people, with their indexes) are broken down by ``dbstat``. Prints the ratio
of head to the baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from models.base import utcnow  # noqa: E402
from models.db import get_engine, session_factory  # noqa: E402
from models.migrate import upgrade  # noqa: E402

SIGNER_TABLES = ("signature", "signature_event", "facet", "person")
GOAL = 400


def load(path: str, revision: str, slug: str) -> int:
    """Migrate a new database at ``path`` to ``revision`` and backfill the demo letter."""
    from tracker.backfill import backfill
    from tracker.demo import DEMO_LETTERS, add_demo_letter
    from tracker.runtime import get_poller

    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "bench",
                      "TESTING": True})
    engine = get_engine(app)
    upgrade(engine, revision)
    demo = next(d for d in DEMO_LETTERS if d.slug == slug)
    with app.app_context():
        with session_factory(app)() as session, session.begin():
            letter_id = add_demo_letter(session, demo, utcnow())
        backfill(get_poller(app), letter_id, demo.url, demo.kind, {}, demo.capture_list())
    with engine.connect() as conn:
        signers = conn.exec_driver_sql(
            "SELECT count(*) FROM signature WHERE letter_id = ?", (letter_id,)).scalar_one()
    engine.dispose()
    return signers


def measure(path: str) -> tuple[int, dict[str, int]]:
    """(file bytes after VACUUM, bytes per table or index of the signer tables)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.execute("VACUUM")
    size = conn.execute("PRAGMA page_count").fetchone()[0] * conn.execute(
        "PRAGMA page_size").fetchone()[0]
    names = dict(conn.execute("SELECT name, tbl_name FROM sqlite_master "
                              "WHERE type IN ('table', 'index')"))
    parts = {name: pages for name, pages in conn.execute(
        "SELECT name, sum(pgsize) FROM dbstat GROUP BY name") if names.get(name) in SIGNER_TABLES}
    conn.close()
    return size, parts


def run(revision: str, slug: str) -> tuple[int, int, dict[str, int]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "storage.sqlite3")
        signers = load(path, revision, slug)
        size, parts = measure(path)
    return signers, size, parts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="0006", help="the schema before (a revision)")
    parser.add_argument("--letter", default="uc-socscihum-faculty-letter-2026")
    args = parser.parse_args()
    results = {label: run(revision, args.letter)
               for label, revision in (("baseline " + args.baseline, args.baseline),
                                       ("head", "head"))}
    names = sorted({name for _, _, parts in results.values() for name in parts})
    print(f"{'bytes per signer':40}" + "".join(f"{label:>16}" for label in results))
    for name in names:
        print(f"{name:40}" + "".join(
            f"{parts.get(name, 0) / signers:16.0f}" for signers, _, parts in results.values()))
    print(f"{'signer tables and indexes':40}" + "".join(
        f"{sum(parts.values()) / signers:16.0f}" for signers, _, parts in results.values()))
    print(f"{'whole file (page_count * page_size)':40}" + "".join(
        f"{size / signers:16.0f}" for signers, size, _ in results.values()))
    (base_signers, base_size, base_parts), (signers, size, parts) = results.values()
    print(f"signers: {base_signers:,} / {signers:,}; head / baseline: whole file "
          f"{(size / signers) / (base_size / base_signers):.2f}x, signer tables "
          f"{(sum(parts.values()) / signers) / (sum(base_parts.values()) / base_signers):.2f}x; "
          f"goal <= {GOAL} bytes per signer: "
          f"{'met' if size / signers <= GOAL else 'NOT met'} ({size / signers:.0f})")


if __name__ == "__main__":
    main()
