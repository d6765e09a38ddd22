"""Benchmark: Signwatch's `poll --all` beside changedetection.io, first round, in one run.

The same loopback hosts (bench/poll.py, 127.0.1.x in a child process) serve the real RMS
letter snapshot with 936 signers. changedetection.io is the peer: started as its own server
with default settings (its own fetch workers), it is given one watch per host through its API
and timed until every watch has been checked once. Signwatch runs `signwatch poll --all` over
a fresh SQLite database tracking the same URLs, with default settings. Both sides are allowed
private addresses (the hosts are loopback). Prints both times and the ratio.

changedetection.io is not a Signwatch dependency: install it in a venv of its own and point
``--peer`` at its command, e.g.

    python3 -m venv /tmp/cdio && /tmp/cdio/bin/pip install changedetection.io==0.60.10
    .venv/bin/python bench/peer.py --peer /tmp/cdio/bin/changedetection.io [--letters 100]
                                   [--pages real|html] [--tree DIR]

Wall and CPU time are printed for both sides: the peer's is its server process's, Signwatch's
the command's with every process it started (its parse workers).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from poll import Site, start_server_process  # noqa: E402
from poll_all import FIRST, fresh_database, signwatch_timed, timed_line  # noqa: E402

_PEER_TIMEOUT_S = 900


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_peer(command: str, directory: str, port: int) -> subprocess.Popen[bytes]:
    """changedetection.io serving a fresh datastore on ``port``, private addresses allowed."""
    env = dict(os.environ, ALLOW_IANA_RESTRICTED_ADDRESSES="true")
    return subprocess.Popen([command, "-d", directory, "-p", str(port), "-h", "127.0.0.1"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def api_token(directory: str) -> str:
    """The peer's API key, from the settings file it writes on first start."""
    settings = Path(directory) / "changedetection.json"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if settings.exists():
            try:
                data = json.loads(settings.read_text())
                return data["settings"]["application"]["api_access_token"]
            except (ValueError, KeyError):
                pass
        time.sleep(0.2)
    raise SystemExit("changedetection.io wrote no settings file within 60 s")


def wait_until_up(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(base, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("changedetection.io did not answer within 60 s")


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system, all threads) a running process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peer_first_round(command: str, urls: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds from adding the watches until the peer has checked every one of
    them once; CPU is the peer server process's."""
    with tempfile.TemporaryDirectory() as directory:
        port = free_port()
        peer = start_peer(command, directory, port)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_up(base)
            headers = {"x-api-key": api_token(directory)}
            with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
                started, cpu = time.perf_counter(), process_cpu(peer.pid)
                for url in urls:
                    client.post("/api/v1/watch", json={"url": url}).raise_for_status()
                _wait_all_checked(client, set(urls))
                return time.perf_counter() - started, process_cpu(peer.pid) - cpu
        finally:
            peer.terminate()
            peer.wait(30)


def _wait_all_checked(client: httpx.Client, urls: set[str]) -> None:
    """Until every watch of ``urls`` was checked (a fresh datastore adds example watches)."""
    deadline = time.monotonic() + _PEER_TIMEOUT_S
    while time.monotonic() < deadline:
        watches = [w for w in client.get("/api/v1/watch").json().values() if w["url"] in urls]
        if len(watches) == len(urls) and all(w.get("last_checked") for w in watches):
            if any(w.get("last_error") for w in watches):
                raise SystemExit("changedetection.io failed to fetch some pages")
            return
        time.sleep(0.25)
    raise SystemExit(f"changedetection.io had not checked all {len(urls)} watches in "
                     f"{_PEER_TIMEOUT_S} s")


def signwatch_first_round(urls: list[str], tree: str | None = None) -> tuple[float, float]:
    """(wall, CPU) of `signwatch poll --all` over a fresh database, with ``tree``'s code."""
    with tempfile.TemporaryDirectory() as directory:
        env = fresh_database(urls, directory, "peer-bench")
        if tree:
            env["PYTHONPATH"] = tree
        Site.set(round=FIRST, validators=True)
        return signwatch_timed(env, "poll", "--all")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--peer", required=True, help="the changedetection.io command")
    parser.add_argument("--letters", type=int, default=100)
    parser.add_argument("--pages", choices=("real", "html"), default="real",
                        help="real: the RMS Markdown letter (936 signers); html: the "
                        "Mozilla AI-safety signatures page (1,821 signers)")
    parser.add_argument("--tree", action="append", default=[],
                        help="also time `poll --all` with this checkout's code (e.g. main)")
    args = parser.parse_args()
    Site.pages = args.pages
    urls = start_server_process(args.letters)
    Site.set(round=FIRST, validators=True)
    n = args.letters
    peer = peer_first_round(args.peer, urls)
    print(timed_line("changedetection.io   first round", n, *peer), flush=True)
    for tree in [None, *args.tree]:
        ours = signwatch_first_round(urls, tree)
        print(timed_line(f"signwatch poll --all first round ({tree or 'this tree'})", n, *ours))
        print(f"  vs changedetection.io: {peer[0] / ours[0]:.1f}x faster (goal >= 5x), "
              f"{peer[1] / ours[1]:.1f}x less CPU", flush=True)


if __name__ == "__main__":
    main()
