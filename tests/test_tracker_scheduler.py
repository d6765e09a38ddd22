"""The scheduler's tick: due letters from the database, claimed once, polled with a cap."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from models import Letter
from models.db import session_factory
from tests.tracking import add_letter
from tracker.scheduler import (
    ALERTS_JOB_ID,
    CLAIM_LEASE,
    INDEX_JOB_ID,
    TICK_JOB_ID,
    Ticker,
    build_scheduler,
    due_letter_ids,
)

NOW = datetime(2020, 2, 17, 19, 0, tzinfo=UTC)


def set_due(app, letter_id: int, at: datetime | None, active: bool = True) -> None:
    with session_factory(app)() as session, session.begin():
        session.execute(update(Letter).where(Letter.id == letter_id)
                        .values(next_due_at=at, active=active))


def test_due_letter_ids_most_overdue_first_and_skips_paused(app, session) -> None:
    ids = [add_letter(app, f"https://example.org/{n}") for n in range(4)]
    set_due(app, ids[0], NOW - timedelta(minutes=1))
    set_due(app, ids[1], NOW - timedelta(hours=1))
    set_due(app, ids[2], NOW + timedelta(minutes=1))
    set_due(app, ids[3], NOW - timedelta(hours=2), active=False)
    assert due_letter_ids(session, NOW) == [ids[1], ids[0]]


def test_ticker_claims_due_letters_once(app) -> None:
    ids = [add_letter(app, f"https://example.org/{n}") for n in range(3)]
    for letter_id in ids:
        set_due(app, letter_id, NOW - timedelta(seconds=1))
    polled: list[int] = []
    ticker = Ticker(session_factory(app), polled.append, clock=lambda: NOW)
    assert ticker.tick() == 3
    assert ticker.tick() == 0
    assert sorted(polled) == sorted(ids)
    with session_factory(app)() as session:
        dues = {letter.next_due_at for letter in session.query(Letter)}
    assert dues == {NOW + CLAIM_LEASE}


def test_ticker_caps_concurrent_polls(app) -> None:
    for n in range(6):
        set_due(app, add_letter(app, f"https://example.org/{n}"), NOW)
    lock, running, most = threading.Lock(), [0], [0]
    barrier = threading.Barrier(2, timeout=10)

    def poll(_letter_id: int) -> None:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        barrier.wait()  # two polls meet: the cap allows exactly two at once
        with lock:
            running[0] -= 1

    Ticker(session_factory(app), poll, max_concurrent=2, clock=lambda: NOW).tick()
    assert most[0] == 2


def test_ticker_survives_a_crashing_poll(app) -> None:
    ids = [add_letter(app, f"https://example.org/{n}") for n in range(2)]
    for letter_id in ids:
        set_due(app, letter_id, NOW)
    done: list[int] = []

    def poll(letter_id: int) -> None:
        if letter_id == ids[0]:
            raise RuntimeError("adapter bug")
        done.append(letter_id)

    assert Ticker(session_factory(app), poll, clock=lambda: NOW).tick() == 2
    assert done == [ids[1]]


def test_build_scheduler_has_one_coalescing_tick(app) -> None:
    scheduler = build_scheduler(app)
    assert {job.id for job in scheduler.get_jobs()} == {TICK_JOB_ID, ALERTS_JOB_ID, INDEX_JOB_ID}
    for job in scheduler.get_jobs():  # the poll tick, alert delivery (#17 B), indexes (#16 5)
        assert (job.coalesce, job.max_instances) == (True, 1)
        assert job.trigger.interval == timedelta(seconds=app.config["SCHEDULER_TICK_SECONDS"])


def test_ticker_drains_more_than_one_batch(app) -> None:
    # bench/load.py: one batch per 30 s tick held 10,000 letters to 3.3 polls/s (#16 point 3)
    ids = [add_letter(app, f"https://example.org/{n}") for n in range(5)]
    for letter_id in ids:
        set_due(app, letter_id, NOW - timedelta(seconds=1))
    polled: list[int] = []
    ticker = Ticker(session_factory(app), polled.append, batch=2, clock=lambda: NOW)
    assert ticker.tick() == 5
    assert sorted(polled) == sorted(ids)
    assert ticker.tick() == 0
