"""Benchmark: a rendered poll (``--render``: headless Chromium) against a plain poll of the same
page, and how many rendered polls a minute one machine holds with the pool sizes given.

The page is a letter whose table of ``--signers`` names and whose count are filled by
``fetch('signers.json')``, the case ``--render`` exists for. Each letter has its own loopback
host (127.0.1.1, 127.0.1.2, ...) so per-host politeness does not serialise the run; the
hosts run in threads of a child process.

Prints:
  - the median of ``--polls`` steady-state polls (the page as it was: the plain poll finds
    the same bytes, the rendered one the same rendered DOM), plain against rendered, paired
    and interleaved so both see the same load; the ratio rendered / plain;
  - a first rendered poll (the browser launched for it) against a warm one;
  - for each pool size in ``--pools`` (default: the default, 1, and 2), rendered polls a
    minute: ``--letters`` rendered letters polled round after round for ``--seconds``, as
    many at once as the pool allows, and the ratio against the plain polls a minute of one
    thread on the same letters.

    PYTHONPATH=. .venv/bin/python bench/render.py [--signers 200] [--polls 15]
                                                  [--letters 8] [--seconds 30] [--pools 1,2]
"""

from __future__ import annotations

import argparse
import http.server
import json
import multiprocessing
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select, update  # noqa: E402

from app import DEFAULTS, create_app  # noqa: E402
from bench.synthetic import generated_name  # noqa: E402
from models import Base, Letter, queries  # noqa: E402
from models.base import utcnow  # noqa: E402
from models.db import get_engine, session_factory  # noqa: E402
from tracker.runtime import get_poller  # noqa: E402

PAGE = b"""<!DOCTYPE html><html><head><title>Open letter (bench)</title></head><body>
<h1>Open letter</h1><p class="counter"><span id="count">0</span> signatures</p>
<table id="signers"><thead><tr><th>Name</th><th>Affiliation</th></tr></thead><tbody></tbody>
</table><script>
fetch('signers.json').then(r => r.json()).then(data => {
  document.getElementById('count').textContent = data.total;
  const body = document.querySelector('#signers tbody');
  for (const s of data.signers) {
    const row = body.insertRow();
    row.insertCell().textContent = s.name;
    row.insertCell().textContent = s.affiliation;
  }
});
</script></body></html>"""


class Handler(http.server.BaseHTTPRequestHandler):
    signers = b"[]"

    def do_GET(self):  # noqa: N802
        path = self.path.split("?", 1)[0]
        if path == "/letter/":
            self._send(200, PAGE, "text/html; charset=utf-8")
        elif path == "/letter/signers.json":
            self._send(200, self.signers, "application/json")
        else:
            self._send(404, b"", "text/plain")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _serve(count: int, signers: int, urls_out) -> None:
    Handler.signers = json.dumps({"total": signers, "signers": [
        {"name": generated_name(i), "affiliation": f"Department {i % 17}"}
        for i in range(signers)]}).encode()
    urls = []
    for n in range(count):
        server = http.server.ThreadingHTTPServer((f"127.0.1.{n + 1}", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        urls.append(f"http://127.0.1.{n + 1}:{server.server_address[1]}/letter/")
    urls_out.put(urls)
    threading.Event().wait()


def start_hosts(count: int, signers: int) -> list[str]:
    urls_out = multiprocessing.Queue()
    multiprocessing.Process(target=_serve, args=(count, signers, urls_out), daemon=True).start()
    return urls_out.get(timeout=30)


def make_app(directory: str, max_renders: int, name: str):
    app = create_app({"DATABASE_URL": f"sqlite:///{directory}/{name}.sqlite3",
                      "SECRET_KEY": "bench", "ALLOW_PRIVATE_URLS": True,
                      "MIN_HOST_DELAY": 0.0, "MAX_RENDERS": max_renders})
    Base.metadata.create_all(get_engine(app))
    return app


def add_letters(app, urls: list[str], *, render: bool) -> list[int]:
    with session_factory(app)() as session, session.begin():
        letters = [queries.add_letter(session, url=url, title=None, kind="auto",
                                      poll_interval_s=900, now=utcnow(),
                                      slug=f"{'r' if render else 'p'}{n}",
                                      options={"render": True} if render else {})
                   for n, url in enumerate(urls)]
        return [letter.id for letter in letters]


def timed(poll, letter_id: int) -> tuple[float, str]:
    started = time.perf_counter()
    outcome = poll(letter_id).outcome
    return time.perf_counter() - started, outcome


def paired(app, poller, plain_id: int, rendered_id: int, polls: int) -> None:
    first = timed(poller.poll, rendered_id)
    timed(poller.poll, plain_id)
    plain, rendered, outcomes = [], [], set()
    for _ in range(polls):
        for into, letter_id in ((plain, plain_id), (rendered, rendered_id)):
            seconds, outcome = timed(poller.poll, letter_id)
            into.append(seconds)
            outcomes.add(outcome)
    p, r = median(plain), median(rendered)
    print(f"steady-state poll, median of {polls}: plain {p * 1000:7.1f} ms   "
          f"rendered {r * 1000:7.1f} ms   rendered / plain {r / p:6.1f}x   outcomes {outcomes}")
    print(f"first rendered poll (browser launched for it) {first[0] * 1000:7.1f} ms "
          f"[{first[1]}]   / warm rendered {first[0] / r:4.1f}x")
    with session_factory(app)() as session:
        stated = session.scalar(select(Letter.last_outcome).where(Letter.id == rendered_id))
    print(f"rendered letter's last outcome: {stated}")


def per_minute(poll, ids: list[int], workers: int, seconds: float) -> tuple[float, set[str]]:
    deadline, done, outcomes, lock = time.monotonic() + seconds, [0], set(), threading.Lock()

    def loop(letter_ids: list[int]) -> None:
        while time.monotonic() < deadline:
            for letter_id in letter_ids:
                outcome = poll(letter_id).outcome
                with lock:
                    done[0] += 1
                    outcomes.add(outcome)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(loop, [ids[n::workers] for n in range(workers)]))
    return done[0] / (time.monotonic() - started) * 60, outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--signers", type=int, default=200)
    parser.add_argument("--polls", type=int, default=15)
    parser.add_argument("--letters", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--pools", default=f"{DEFAULTS['MAX_RENDERS']},2")
    args = parser.parse_args()
    urls = start_hosts(args.letters + 2, args.signers)
    with tempfile.TemporaryDirectory() as directory:
        app = make_app(directory, DEFAULTS["MAX_RENDERS"], "paired")
        plain_id, rendered_id = add_letters(app, urls[:1], render=False)[0], \
            add_letters(app, urls[1:2], render=True)[0]
        poller = get_poller(app)
        print(f"page: {args.signers} signers filled by fetch('signers.json'); "
              f"default pool size {DEFAULTS['MAX_RENDERS']}")
        paired(app, poller, plain_id, rendered_id, args.polls)
        poller.renderer.close()
        for size in dict.fromkeys(int(s) for s in args.pools.split(",")):
            throughput(directory, urls[2:], size, args.seconds)


def throughput(directory: str, urls: list[str], size: int, seconds: float) -> None:
    app = make_app(directory, size, f"pool-{size}")
    rendered = add_letters(app, urls, render=True)
    plain = add_letters(app, [url.replace("/letter/", "/letter/?plain") for url in urls],
                        render=False)
    poller = get_poller(app)
    with session_factory(app)() as session, session.begin():
        session.execute(update(Letter).values(next_due_at=None))
    for letter_id in rendered:  # first polls (and the browsers' launch) out of the timing
        poller.poll(letter_id)
    rate, outcomes = per_minute(poller.poll, rendered, size, seconds)
    base, _ = per_minute(poller.poll, plain, 1, min(seconds, 10.0))
    poller.renderer.close()
    print(f"pool of {size}: {rate:6.0f} rendered polls/min {outcomes}   plain polls/min "
          f"(1 thread) {base:6.0f}   rendered / plain {rate / base:5.3f}x")


if __name__ == "__main__":
    main()
