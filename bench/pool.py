"""Connections opened by a scheduler's poll threads on PostgreSQL: the app's pool against
SQLAlchemy's default pool (5 + 10 overflow), in the same run.

Each of MAX_CONCURRENT_POLLS threads checks out a connection, runs a 2 ms query and pauses up
to 20 ms (a poll waiting on its host between statements), 100 times. A pool smaller than the
threads closes returned connections once 5 are idle, so PostgreSQL forks new backends all day.

    PYTHONPATH=. .venv/bin/python bench/pool.py [--database-url postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import random
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, event, text  # noqa: E402

from app import create_app  # noqa: E402
from models.db import get_engine, make_engine  # noqa: E402


def opened_by_threads(engine: Engine, threads: int, rng: random.Random) -> tuple[int, float]:
    """Connections opened, and seconds, for ``threads`` threads of 100 checkouts each."""
    opened: list[int] = []
    event.listen(engine, "connect", lambda *_: opened.append(1))
    pauses = [[rng.random() * 0.02 for _ in range(100)] for _ in range(threads)]

    def work(own: list[float]) -> None:
        for pause in own:
            with engine.connect() as conn:
                conn.execute(text("SELECT pg_sleep(0.002)"))
            time.sleep(pause)

    workers = [threading.Thread(target=work, args=(own,)) for own in pauses]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    engine.dispose()
    return len(opened), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url",
                        default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    app = create_app({"DATABASE_URL": args.database_url, "SECRET_KEY": "bench"})
    threads = int(app.config["MAX_CONCURRENT_POLLS"])
    base, base_s = opened_by_threads(make_engine(args.database_url), threads, random.Random(1))
    ours, ours_s = opened_by_threads(get_engine(app), threads, random.Random(1))
    print(f"{threads} poll threads x 100 checkouts")
    print(f"default pool (5 + 10)          {base:5d} connections opened  {base_s:5.2f} s")
    print(f"the app's pool                 {ours:5d} connections opened  {ours_s:5.2f} s")
    print(f"connections opened: {base / ours:.1f}x fewer")


if __name__ == "__main__":
    main()
