"""A poll killed with SIGKILL in the middle of ingest leaves the whole poll or nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

from sqlalchemy import func, select

from models import Person, PollLog, Signature, SignatureEvent, Snapshot
from tests.tracking import RMS_SNAPSHOTS, SteppingClock, add_letter, make_poller

KILLER = textwrap.dedent("""
    import os, signal, sys
    from app import create_app
    from models import history
    from tests.tracking import SteppingClock, make_poller

    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)  # mid-transaction: signatures written, no events

    history._record_events = die
    app = create_app({"DATABASE_URL": sys.argv[1], "SECRET_KEY": "t",
                      "ALLOW_PRIVATE_URLS": True, "MIN_HOST_DELAY": 0.0})
    make_poller(app, SteppingClock()).poll(int(sys.argv[2]))
""")


def rows(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_poll_killed_mid_ingest_leaves_nothing(app, session, httpserver, database_url) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/letter.md").respond_with_data(
        RMS_SNAPSHOTS[0].read_bytes(), content_type="text/markdown")
    letter_id = add_letter(app, httpserver.url_for("/letter.md"))
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    child = subprocess.run([sys.executable, "-c", KILLER, database_url, str(letter_id)],
                           cwd=root, capture_output=True, timeout=120)
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()[-2000:]
    session.expire_all()
    for model in (Snapshot, Signature, SignatureEvent, PollLog, Person):
        assert rows(session, model) == 0, model.__name__
    result = make_poller(app, SteppingClock()).poll(letter_id)
    assert (result.outcome, result.listed_count) == ("first", 220)
    assert rows(session, Signature) == 220
