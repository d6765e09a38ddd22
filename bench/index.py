"""Benchmark: refreshing 500 petitions' counts through their site's index, against polling each.

All the petitions sit on ONE loopback host, as on petition.parliament.uk, so the per-host
delay (SIGNWATCH_MIN_HOST_DELAY, 2 s by default) serialises every request to it, exactly as
it would against the real site. The host runs in a child process (its CPU is not ours) and
serves synthetic pages (bench/listing.py, labelled synthetic: every row a copy of the real
petition 241584's attributes, and each petition's own JSON the real 136 KB document,
breakdowns and all, under another id and count).

Prints, from one run:
  - via the index: one `IndexPoller.poll` of the listing (``--per-page`` rows a page), every
    count changed since the last round: wall time, CPU time of this process, requests; then
    one more where no count changed (each reading only confirms);
  - per petition: ``--sample`` letters polled one after another through the same Poller
    (their counts changed too), and that sample's mean wall and CPU time a poll times the
    number of petitions (``--full``: poll all of them instead; with the 2 s delay, about
    1,000 s);
  - the ratio of the two wall times and of the two request counts.

    .venv/bin/python bench/index.py [--petitions 500] [--per-page 50] [--sample 20]
                                    [--delay 2.0] [--full]
"""

from __future__ import annotations

import argparse
import http.server
import multiprocessing
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout, not an install

from app import create_app  # noqa: E402
from bench.listing import Listing, petition_json, petition_url  # noqa: E402
from models import Base, queries  # noqa: E402
from models.db import get_engine, session_factory  # noqa: E402
from models.index import add_index  # noqa: E402
from tracker.index import index_poller_for  # noqa: E402
from tracker.runtime import get_poller  # noqa: E402

HOST = "127.0.3.1"
# Shared with the server process: the round (every count grows by it) and the request count.
STATE = multiprocessing.RawArray("i", [0, 0])


def count_of(petition_id: int) -> int:
    return 10_000 + 37 * petition_id + 500 * STATE[0]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    petitions = 500
    per_page = 50
    base = ""

    def do_GET(self):  # noqa: N802
        STATE[1] += 1
        parts = urlsplit(self.path)
        if parts.path == "/petitions.json":
            listing = Listing(self.base, {n: count_of(n) for n in range(1, self.petitions + 1)},
                              self.per_page)
            page = int(parse_qs(parts.query).get("page", ["1"])[0])
            return self._send(200, listing.page(page))
        if parts.path.startswith("/petitions/"):
            petition_id = int(parts.path.rsplit("/", 1)[1].removesuffix(".json"))
            return self._send(200, petition_json(self.base, petition_id, count_of(petition_id)))
        return self._send(404, b"")

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _serve(petitions: int, per_page: int, send) -> None:
    server = http.server.ThreadingHTTPServer((HOST, 0), Handler)
    Handler.petitions, Handler.per_page = petitions, per_page
    Handler.base = f"http://{HOST}:{server.server_address[1]}"
    send.send(Handler.base)
    server.serve_forever()


def start_site(petitions: int, per_page: int) -> str:
    """The one loopback host, in a forked child process; its base URL."""
    receive, send = multiprocessing.Pipe(duplex=False)
    multiprocessing.get_context("fork").Process(
        target=_serve, args=(petitions, per_page, send), daemon=True).start()
    return receive.recv()


def make_app(tmp: str, delay: float):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp}/index.sqlite3", "SECRET_KEY": "b",
                      "ALLOW_PRIVATE_URLS": True, "MIN_HOST_DELAY": delay})
    Base.metadata.create_all(get_engine(app))
    return app


def track(app, base: str, petitions: int) -> tuple[list[int], int]:
    """Every petition as a tracked letter, and the index over them; (letter ids, index id)."""
    now = datetime.now(UTC)
    with session_factory(app)() as session, session.begin():
        ids = [queries.add_letter(session, url=petition_url(base, n), title=None,
                                  kind="uk-parliament", poll_interval_s=900, now=now).id
               for n in range(1, petitions + 1)]
        index = add_index(session, url=f"{base}/petitions.json?state=open",
                          kind="uk-parliament", poll_interval_s=900, now=now)
        return ids, index.id


def measured(run: Callable[[], object], *, changed: bool = True
             ) -> tuple[float, float, int, object]:
    """(wall s, CPU s of this process, requests served, run's result) of one ``run()``."""
    STATE[0] += changed  # every count grows (changed pages), or none does
    requests, wall, cpu = STATE[1], time.perf_counter(), time.process_time()
    outcome = run()
    return (time.perf_counter() - wall, time.process_time() - cpu, STATE[1] - requests,
            outcome)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--petitions", type=int, default=500)
    parser.add_argument("--per-page", type=int, default=50)
    parser.add_argument("--sample", type=int, default=20)
    parser.add_argument("--delay", type=float, default=2.0)
    parser.add_argument("--full", action="store_true", help="poll every petition, no sample")
    args = parser.parse_args()
    base = start_site(args.petitions, args.per_page)
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(tmp, args.delay)
        ids, index_id = track(app, base, args.petitions)
        indexer, poller = index_poller_for(app), get_poller(app)
        first = indexer.poll(index_id)  # first readings; robots.txt fetched once here
        print(f"synthetic listing: {args.petitions} petitions, {args.per_page} a page, one "
              f"host, delay {args.delay} s; first round: {first.line()}")
        wall, cpu, requests, result = measured(lambda: indexer.poll(index_id))
        print(f"via the index:  {wall:8.1f} s wall  {cpu:6.2f} s CPU  {requests:4} requests  "
              f"{result.line()}")
        u_wall, u_cpu, u_requests, same = measured(lambda: indexer.poll(index_id), changed=False)
        print(f"  no count changed: {u_wall:6.1f} s wall  {u_cpu:6.2f} s CPU  {u_requests:4} "
              f"requests  {same.line()}")
        polled = ids if args.full else ids[:args.sample]
        p_wall, p_cpu, p_requests, outcomes = measured(lambda: [poller.poll(i).outcome
                                                                for i in polled])
        scale = len(ids) / len(polled)
        print(f"per petition:   {p_wall:8.1f} s wall  {p_cpu:6.2f} s CPU  {p_requests:4} requests"
              f" for {len(polled)} ({sorted(set(outcomes))})")
        if scale != 1:
            print(f"  x {scale:.0f} = {p_wall * scale:8.1f} s wall  {p_cpu * scale:6.2f} s CPU "
                  f"{round(p_requests * scale):4} requests for {len(ids)} (from the sample)")
        print(f"ratio (per petition / index): wall {p_wall * scale / wall:.1f}x, CPU "
              f"{p_cpu * scale / cpu:.1f}x, requests {p_requests * scale / requests:.0f}x; "
              f"load average {tuple(round(x, 2) for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
