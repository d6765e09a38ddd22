"""Benchmark: sustained load and scale-out, as users run them (issue #16 points 3 and 4).

10,000 letters (``--letters``) on 250 loopback hosts (``--hosts``, 127.0.x.y in a child
process, bench/poll.py), letter n on host n mod 250, so 40 letters share each host and
per-host politeness (the default 2 s delay) applies as it does to a petitions site.
Each page is a small Markdown letter of 10 real signer lines of the RMS letter
(tests/fixtures, as ``bench/poll.py --pages small``) with an ETag: an unchanged page answers
304. At the start of every round after the first, 1% of the letters (``--change``) gain a
signer. The server logs every request (time, host, path) for the politeness check.

Default settings throughout (2 s per-host delay, 30 s tick, 16 polls at once, robots.txt)
except private addresses allowed; every process is the real ``signwatch`` command over a
fresh database (SQLite file, or ``--database-url`` of an empty PostgreSQL database).

Sustained (default): ``signwatch scheduler`` runs for ``--minutes`` with every letter due
every 5 minutes (``--interval``), the first due times spread evenly over the first interval
(a tracker that has been running a while). Round 1 is every letter's first read, unless
``--prime`` has the same scheduler read every letter once before the timed rounds start.
Per round (a 5-minute window): polls/s, p95 lateness (poll start minus the due time it
served; due times are sampled from the database each second), the scheduler's CPU and RSS,
snapshot rows and database bytes added.

Scale-out (``--workers N``, PostgreSQL): ``signwatch scheduler --defer`` and N
``signwatch worker`` processes (default concurrency). Each of ``--rounds`` rounds makes every
letter due at once and times the drain, so the workers, not the interval, set the pace.
Baseline: run it with ``--workers 1`` in the same session and compare polls/s. A host's
letters are polled at most one per delay, so ``--hosts`` must leave the drain bound by the
workers: 250 hosts of 8 letters (``--letters 2000``) already take 16 s of delays a round.
Loopback answers in well under a millisecond, so one worker's threads are bound by CPU, and N
workers on one 2-core box share the same two cores; ``--latency-ms`` makes each answer wait as
a real site does (a round trip and server time), so a worker's threads wait on the network and
more workers can overlap more waits.

Both print duplicate polls (two polls serving one due time) and the smallest gap between two
requests to one host (a page right after its robots.txt excepted, as the fetcher allows).

    PYTHONPATH=. .venv/bin/python bench/load.py [--minutes 10] [--letters 10000] [--hosts 250]
        [--database-url URL] [--prime] [--workers N --rounds 3]
"""

from __future__ import annotations

import argparse
import bisect
import math
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from statistics import quantiles

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from poll import LINES, Handler, Site, snapshot_rows, start_server_process  # noqa: E402
from poll_all import SIGNWATCH, fresh_database, signwatch  # noqa: E402
from sqlalchemy import func, select, text, update  # noqa: E402

from app import create_app  # noqa: E402
from models import Letter, PollLog  # noqa: E402
from models.base import utcnow  # noqa: E402
from models.db import get_engine, session_factory  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


class LoadHandler(Handler):
    """Letter n's page at /letter-n.md: 10 real signer lines plus the signers it gained."""

    gains = multiprocessing.RawArray("i", 1)  # per letter, set before the server forks
    log_path = os.devnull
    _log, _log_lock = None, threading.Lock()

    def do_GET(self):  # noqa: N802
        line = f"{time.time():.6f} {self.server.server_address[0]} {self.path}\n"
        with self._log_lock:
            if LoadHandler._log is None:
                LoadHandler._log = open(self.log_path, "a", buffering=1)  # noqa: SIM115
            LoadHandler._log.write(line)
        super().do_GET()

    def body(self) -> bytes:
        n = int(self.path.rsplit("-", 1)[1].split(".")[0])
        lines = LINES[: 10 + self.gains[n]]
        return (f"# Letter {n}\n\nSigned:\n\n" + "\n".join(lines) + "\n").encode()


def letter_urls(letters: int, hosts: int) -> list[str]:
    bases = [url.rsplit("/", 1)[0] for url in start_server_process(hosts, LoadHandler)]
    return [f"{bases[n % hosts]}/letter-{n}.md" for n in range(letters)]


def change_some(share: float, rng: random.Random) -> int:
    """``share`` of the letters gain one signer; how many."""
    letters = len(LoadHandler.gains)
    chosen = rng.sample(range(letters), max(1, round(share * letters)))
    for n in chosen:
        LoadHandler.gains[n] += 1
    return len(chosen)


def aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Processes:
    """The `signwatch` processes under test, with their CPU seconds and RSS from /proc."""

    def __init__(self, env: dict[str, str], directory: str):
        self.env, self.directory, self.running = env, directory, []

    def start(self, *args: str) -> None:
        log = open(Path(self.directory) / f"{args[0]}-{len(self.running)}.log", "w")  # noqa: SIM115
        self.running.append(subprocess.Popen([str(SIGNWATCH), *args], env=self.env,
                                             stdout=log, stderr=subprocess.STDOUT))

    def cpu_seconds(self) -> float:
        total = 0
        for proc in self.running:
            fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / TICKS

    def rss_mb(self, key: str = "VmRSS") -> float:
        """Summed resident memory (VmRSS now, VmHWM the peak) of the processes, in MB."""
        total = 0
        for proc in self.running:
            for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
                if line.startswith(key + ":"):
                    total += int(line.split()[1])
        return total / 1024

    def stop(self) -> None:
        for proc in self.running:
            if proc.poll() is not None:
                raise SystemExit(f"{proc.args} exited early ({proc.returncode}); see its log "
                                 f"in {self.directory}")
            proc.send_signal(signal.SIGINT)
        for proc in self.running:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()


class DueSampler(threading.Thread):
    """Every letter's next due time, read from the database once a second."""

    def __init__(self, sessions):
        super().__init__(daemon=True)
        self.sessions, self.seen, self.last = sessions, defaultdict(list), {}
        self.stopping = threading.Event()
        self.sample()

    def sample(self) -> None:
        with self.sessions() as session:
            for letter_id, due in session.execute(select(Letter.id, Letter.next_due_at)):
                if due is not None and self.last.get(letter_id) != due:
                    self.last[letter_id] = due
                    self.seen[letter_id].append(aware(due))

    def run(self) -> None:
        while not self.stopping.wait(1.0):
            self.sample()

    def due_of(self, letter_id: int, started_at: datetime) -> datetime | None:
        """The due time a poll started then served: the latest seen at or before it."""
        dues = sorted(self.seen[letter_id])
        at = bisect.bisect_right(dues, started_at)
        return dues[at - 1] if at else None


def database_bytes(app, directory: str) -> int:
    engine = get_engine(app)
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            return conn.scalar(text("SELECT pg_database_size(current_database())"))
    return sum(p.stat().st_size for p in Path(directory).glob("load.db*"))


def poll_rows(app, since: datetime) -> list[tuple[int, datetime, datetime, str]]:
    """(letter, started, finished, outcome) of every poll since then."""
    with session_factory(app)() as session:
        rows = session.execute(select(PollLog.letter_id, PollLog.started_at,
                                      PollLog.duration_ms, PollLog.outcome)
                               .where(PollLog.started_at >= since))
        return [(letter, aware(start), aware(start) + timedelta(milliseconds=ms), outcome)
                for letter, start, ms, outcome in rows]


def make_due(app, moments: dict[int, datetime]) -> None:
    with session_factory(app)() as session, session.begin():
        session.execute(update(Letter), [{"id": i, "next_due_at": at} for i, at in moments.items()])


def letter_ids(app) -> list[int]:
    with session_factory(app)() as session:
        return list(session.scalars(select(Letter.id).order_by(Letter.id)))


class Meter:
    """CPU, RSS, snapshot rows and database bytes at the edges of each round."""

    def __init__(self, app, procs: Processes, directory: str):
        self.app, self.procs, self.directory = app, procs, directory
        self.marks: list[tuple[float, float, int, int]] = []

    def mark(self) -> None:
        self.marks.append((time.monotonic(), self.procs.cpu_seconds(), snapshot_rows(self.app),
                           database_bytes(self.app, self.directory)))

    def between(self, k: int) -> str:
        (t0, cpu0, snaps0, size0), (t1, cpu1, snaps1, size1) = self.marks[k], self.marks[k + 1]
        return (f"CPU {100 * (cpu1 - cpu0) / (t1 - t0):5.1f}% of a core  "
                f"+{snaps1 - snaps0:5d} snapshots  +{(size1 - size0) / 1e6:6.2f} MB")


def p95(values: list[float]) -> float:
    return quantiles(values, n=20)[-1] if len(values) > 1 else (values[0] if values else 0.0)


def host_gaps(log_path: str, delay: float) -> tuple[float, int, int]:
    """(smallest gap, gaps under ``delay``, gaps) between requests to one host, robots excepted."""
    by_host = defaultdict(list)
    for line in Path(log_path).read_text().splitlines():
        at, host, path = line.split(" ", 2)
        by_host[host].append((float(at), path))
    gaps = []
    for requests in by_host.values():
        requests.sort()
        gaps += [b[0] - a[0] for a, b in zip(requests, requests[1:], strict=False)
                 if a[1] != "/robots.txt"]
    return min(gaps, default=math.inf), sum(g < delay for g in gaps), len(gaps)


def duplicates(polls, due_of) -> int:
    served = Counter((letter, due_of(letter, start)) for letter, start, _, _ in polls)
    return sum(n - 1 for n in served.values() if n > 1)


def sustained(app, procs: Processes, args, directory: str, rng: random.Random):
    """`signwatch scheduler` for ``--minutes``; prints one line per round."""
    ids = letter_ids(app)
    procs.start("scheduler")
    if args.prime:  # every letter's first read, by the same scheduler, before the clock runs
        primed = utcnow()
        drained(app, primed, len(ids), args.round_timeout)
        print(f"primed: {len(ids)} first reads in {(utcnow() - primed).total_seconds():.0f} s")
    began = utcnow()
    make_due(app, {i: began + timedelta(seconds=args.interval * k / len(ids))
                   for k, i in enumerate(ids)})
    sampler = DueSampler(session_factory(app))
    sampler.start()
    meter, clock0, rounds = Meter(app, procs, directory), time.monotonic(), []
    meter.mark()
    for k in range(max(1, round(args.minutes * 60 / args.interval))):
        changed = change_some(args.change, rng) if k else 0
        rounds.append(changed)
        time.sleep(max(0.0, clock0 + (k + 1) * args.interval - time.monotonic()))
        meter.mark()
    peak = procs.rss_mb("VmHWM")
    procs.stop()
    sampler.stopping.set()
    sampler.join()
    polls = poll_rows(app, began - timedelta(seconds=1))
    print(f"sustained: {len(ids)} letters every {args.interval} s on {args.hosts} hosts, "
          f"{get_engine(app).dialect.name}, `signwatch scheduler`, {args.minutes} min")
    for k, changed in enumerate(rounds):
        lo, hi = began + timedelta(seconds=k * args.interval), began + timedelta(
            seconds=(k + 1) * args.interval)
        inside = [p for p in polls if lo <= p[1] < hi]
        late = [(start - due).total_seconds() for letter, start, _, _ in inside
                if (due := sampler.due_of(letter, start)) is not None]
        outcomes = Counter(p[3] for p in inside)
        print(f"round {k + 1}: {len(inside):6d} polls {len(inside) / args.interval:6.1f}/s  "
              f"p95 lateness {p95(late):6.1f} s (max {max(late, default=0):6.1f})  "
              f"{meter.between(k)}  pages changed {changed}  {dict(outcomes)}")
    print(f"scheduler peak RSS {peak:.0f} MB; duplicate polls {duplicates(polls, sampler.due_of)}")
    return polls


def drained(app, since: datetime, letters: int, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with session_factory(app)() as session:
            done = session.scalar(select(func.count(func.distinct(PollLog.letter_id)))
                                  .where(PollLog.started_at >= since))
        if done >= letters:
            return
        time.sleep(2)
    raise SystemExit(f"only {done} of {letters} letters polled in {timeout_s:.0f} s")


def scale_out(app, procs: Processes, args, directory: str, rng: random.Random):
    """`scheduler --defer` and N workers: each round every letter is due at once."""
    ids = letter_ids(app)
    signwatch(procs.env, "worker", "--no-wait")  # procrastinate's tables, before the others
    began = utcnow()
    make_due(app, dict.fromkeys(ids, began))
    procs.start("scheduler", "--defer")
    for _ in range(args.workers):
        procs.start("worker")
    meter, starts, changes = Meter(app, procs, directory), [], []
    for k in range(args.rounds):
        changes.append(change_some(args.change, rng) if k else 0)
        start = utcnow()
        if k:
            make_due(app, dict.fromkeys(ids, start))
        starts.append(start)
        meter.mark()
        drained(app, start, len(ids), args.round_timeout)
        meter.mark()
    peak = procs.rss_mb("VmHWM")
    procs.stop()
    polls = poll_rows(app, began)
    print(f"scale-out: {len(ids)} letters on {args.hosts} hosts, {get_engine(app).dialect.name}, "
          f"`signwatch scheduler --defer` + {args.workers} x `signwatch worker`")
    rounds = list(zip(starts, [*starts[1:], None], strict=True))
    for k, (lo, hi) in enumerate(rounds):
        inside = [p for p in polls if p[1] >= lo and (hi is None or p[1] < hi)]
        span = (max(p[2] for p in inside) - min(p[1] for p in inside)).total_seconds()
        late = [(p[1] - lo).total_seconds() for p in inside]
        print(f"round {k + 1}: {len(inside):6d} polls in {span:6.1f} s {len(inside) / span:6.1f}/s"
              f"  p95 wait {p95(late):6.1f} s  {meter.between(2 * k)}  pages changed "
              f"{changes[k]}  {dict(Counter(p[3] for p in inside))}")
    served = Counter((p[0], k) for p in polls for k, (lo, hi) in enumerate(rounds)
                     if p[1] >= lo and (hi is None or p[1] < hi))
    print(f"processes' peak RSS {peak:.0f} MB (summed); duplicate polls "
          f"{sum(n - 1 for n in served.values())}")
    return polls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--letters", type=int, default=10_000)
    parser.add_argument("--hosts", type=int, default=250)
    parser.add_argument("--interval", type=int, default=300, help="each letter's poll interval")
    parser.add_argument("--change", type=float, default=0.01, help="share changed per round")
    parser.add_argument("--database-url", help="an empty database (default: a fresh SQLite file)")
    parser.add_argument("--workers", type=int, default=0, help="N: scheduler --defer + N workers")
    parser.add_argument("--rounds", type=int, default=3, help="with --workers: drains timed")
    parser.add_argument("--round-timeout", type=float, default=1800)
    parser.add_argument("--latency-ms", type=int, default=0, help="each answer waits this "
                        "long first, as a real site's round trip and server time do")
    parser.add_argument("--prime", action="store_true", help="sustained: read every letter "
                        "once before the timed rounds, so round 1 is the steady state")
    args = parser.parse_args()
    rng = random.Random(16)
    with tempfile.TemporaryDirectory() as directory:
        LoadHandler.gains = multiprocessing.RawArray("i", args.letters)
        LoadHandler.log_path = f"{directory}/requests.log"
        Site.set(latency_ms=args.latency_ms)
        urls = letter_urls(args.letters, args.hosts)
        began = time.perf_counter()
        env = fresh_database(urls, directory, "load", database_url=args.database_url,
                             interval_s=args.interval)
        print(f"setup: {args.letters} letters added in {time.perf_counter() - began:.0f} s; "
              f"load average {os.getloadavg()}")
        app = create_app({"DATABASE_URL": env["SIGNWATCH_DATABASE_URL"]})
        procs = Processes(env, directory)
        run = scale_out if args.workers else sustained
        run(app, procs, args, directory, rng)
        delay = float(app.config["MIN_HOST_DELAY"])
        smallest, under, gaps = host_gaps(LoadHandler.log_path, delay)
        print(f"politeness: smallest gap between two requests to one host {smallest:.2f} s "
              f"(delay {delay} s); {under} of {gaps} gaps under the delay; "
              f"load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
