"""A tick reads its letters' poll state in one query; each poll takes its own from there."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, update

import tracker.poll
from models import Letter, Snapshot, pollstate
from models.db import get_engine, session_factory
from tests.tracking import SteppingClock, add_letter, make_poller, serve_first_rms
from tracker.scheduler import Ticker


@pytest.fixture
def letter_url(httpserver) -> str:
    return serve_first_rms(httpserver)


def letter_state_reads(engine) -> list[str]:
    """Statements that read a letter's poll state, as they are executed."""
    seen: list[str] = []

    def before(_conn, _cursor, statement, *_args) -> None:
        if "pending_suspect" in statement:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    return seen


def test_pollstate_many_equals_each_alone(app) -> None:
    ids = [add_letter(app, f"https://example.org/{n}") for n in range(3)]
    with session_factory(app)() as session, session.begin():
        session.add(Snapshot(letter_id=ids[1], observed_at=tracker.poll.utcnow(),
                             last_confirmed_at=tracker.poll.utcnow(), listed_count=0,
                             status="suspect"))
    with get_engine(app).connect() as connection:
        many = pollstate.poll_states(connection, [*ids, 999_999])
        alone = [pollstate.poll_state(connection, letter_id) for letter_id in ids]
    assert sorted(many) == sorted(alone)
    assert [row.pending_suspect for row in alone] == [False, True, False]


def test_poller_takes_the_preloaded_state(app, letter_url) -> None:
    letter_id = add_letter(app, letter_url)
    poller = make_poller(app, SteppingClock())
    assert poller.poll(letter_id).outcome == "first"
    reads = letter_state_reads(get_engine(app))
    poller.preload([letter_id])
    assert len(reads) == 1
    assert poller.poll(letter_id).outcome == "unchanged"
    assert len(reads) == 1  # the poll read nothing more
    assert poller.poll(letter_id).outcome == "unchanged"
    assert len(reads) == 2  # a preloaded state serves one poll only


def test_poller_reads_again_when_the_preload_is_old(app, letter_url, monkeypatch) -> None:
    letter_id = add_letter(app, letter_url)
    poller = make_poller(app, SteppingClock())
    poller.poll(letter_id)
    poller.preload([letter_id])
    with session_factory(app)() as session, session.begin():
        session.execute(update(Letter).values(url=letter_url + "?moved"))
    monkeypatch.setattr(tracker.poll, "PRELOAD_MAX_AGE_S", -1.0)
    reads = letter_state_reads(get_engine(app))
    poller.poll(letter_id)
    assert len(reads) == 1


def test_ticker_preloads_what_it_claimed(app) -> None:
    ids = [add_letter(app, f"https://example.org/{n}") for n in range(3)]
    now = tracker.poll.utcnow()
    with session_factory(app)() as session, session.begin():
        session.execute(update(Letter).values(next_due_at=now - timedelta(minutes=1)))
    preloaded: list[list[int]] = []
    polled: list[int] = []
    ticker = Ticker(session_factory(app), polled.append, preload=preloaded.append,
                    clock=lambda: now)
    assert ticker.tick() == 3
    assert preloaded == [ids] and sorted(polled) == ids
