"""Benchmark: `signwatch poll --all` as a user runs it, concurrent against one at a time.

100 letters (``--letters``) on as many loopback hosts (127.0.1.x, in a child process), each
serving the real RMS letter snapshot with 936 signers, then, for the changed round, the next
real snapshot. Default settings (2 s per-host delay, robots.txt asked of every new host)
except private addresses allowed. Each run is the `signwatch` command in a subprocess over a
fresh SQLite database: once with SIGNWATCH_MAX_CONCURRENT_POLLS=1 (the baseline: one letter
at a time, as `poll --all` ran before), once with the default. Prints each round's time and
letters/s, and the ratio against the baseline measured in the same run. Loopback answers at
once; ``--latency-ms`` makes each host wait before answering, as a host across a network does.

    .venv/bin/python bench/poll_all.py [--letters 100] [--latency-ms 0]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from poll import Site, start_server_process  # noqa: E402  (bench/poll.py: the loopback hosts)

from app import create_app  # noqa: E402
from models import queries  # noqa: E402
from models.base import utcnow  # noqa: E402
from models.db import session_factory  # noqa: E402

SIGNWATCH = Path(sys.executable).with_name("signwatch")  # beside the running interpreter
FIRST, CHANGED = 3, 4  # Site rounds: the 936-signer snapshot, then the next real one


def signwatch(env: dict[str, str], *args: str) -> float:
    """Run one `signwatch` command; its wall time in seconds."""
    started = time.perf_counter()
    done = subprocess.run([str(SIGNWATCH), *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"signwatch {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return time.perf_counter() - started


def fresh_database(urls: list[str], directory: str, name: str, *,
                   database_url: str | None = None, interval_s: int = 900) -> dict[str, str]:
    """A migrated database (SQLite by default) tracking every URL; the environment for it."""
    env = dict(os.environ, SIGNWATCH_ALLOW_PRIVATE_URLS="1",
               SIGNWATCH_DATABASE_URL=database_url or f"sqlite:///{directory}/{name}.db")
    signwatch(env, "db", "upgrade")
    app = create_app({"DATABASE_URL": env["SIGNWATCH_DATABASE_URL"]})
    with session_factory(app)() as session, session.begin():
        for n, url in enumerate(urls):
            queries.created_letter(session, url=url, title=f"Letter {n}", kind="auto",
                                   options={}, poll_interval_s=interval_s, now=utcnow(),
                                   slug=f"letter-{n}")
    return env


def rounds(urls: list[str], directory: str, concurrency: str | None) -> tuple[float, float]:
    """(first round, changed round) wall times of `poll --all` at this concurrency."""
    env = fresh_database(urls, directory, f"c{concurrency or 'default'}")
    if concurrency:
        env["SIGNWATCH_MAX_CONCURRENT_POLLS"] = concurrency
    Site.set(round=FIRST, validators=True)
    first = signwatch(env, "poll", "--all")
    Site.set(round=CHANGED)
    changed = signwatch(env, "poll", "--all")
    return first, changed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--letters", type=int, default=100)
    parser.add_argument("--latency-ms", type=int, default=0,
                        help="the hosts wait this long before each answer (a network's RTT)")
    args = parser.parse_args()
    urls = start_server_process(args.letters)
    Site.set(latency_ms=args.latency_ms)
    with tempfile.TemporaryDirectory() as directory:
        serial = rounds(urls, directory, "1")
        default = rounds(urls, directory, None)
    n = args.letters
    for label, (first, changed) in (("one at a time", serial), ("default", default)):
        print(f"{label:14} first round {first:6.1f} s ({n / first:5.1f} letters/s)   "
              f"changed round {changed:6.1f} s ({n / changed:5.1f} letters/s)")
    print(f"default vs one at a time: first round {serial[0] / default[0]:.1f}x faster, "
          f"changed round {serial[1] / default[1]:.1f}x faster")


if __name__ == "__main__":
    main()
