"""Alert delivery (#17 B): exactly once across a restart and between concurrent deliverers,
retries with backoff, stale claims never resent, the SSRF guard, masked URLs."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from flask import Flask
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select, update

from models.alerts import AlertDelivery, AlertEvent
from models.base import utcnow
from models.db import make_engine
from tests.alerting import START, AlertLetter, Hook, deliverer, outbox
from tests.conftest import on_postgres
from tracker.notify import (
    AlertSendError,
    AlertURLError,
    checked_service,
    mask_url,
    retry_at,
)


@pytest.fixture
def letter(app: Flask, httpserver: HTTPServer) -> AlertLetter:
    return AlertLetter(app, httpserver)


def _queue_alerts(letter: AlertLetter, hook: Hook, subscribers: int = 1) -> None:
    """``subscribers`` subscriptions, each with four milestone alerts queued."""
    for _ in range(subscribers):
        letter.subscribe(hook.url, milestones=(10, 20, 30, 40), needs_editor=False)
    for size in (5, 15, 25, 35, 45):
        letter.poll(range(size))


def test_alerts_delivery_survives_a_restart_exactly_once(app, letter, database_url) -> None:
    from sqlalchemy.orm import sessionmaker

    from tracker.notify import Deliverer

    hook = Hook(letter.server)
    _queue_alerts(letter, hook)
    first = deliverer(app, batch=2)
    first.sender = _killed_after(first.sender, 3)  # dies after its 3rd POST, before noting it
    with pytest.raises(KeyboardInterrupt):
        first.deliver_due()
    assert [s for _k, s in outbox(app)] == ["delivered", "delivered", "sending", "pending"]
    engine = make_engine(database_url)  # a new process: its own engine and sessions
    try:
        later = Deliverer(sessionmaker(engine), public_url="https://x", allow_private=True,
                          clock=lambda: utcnow() + timedelta(hours=1))  # past the lease
        report = later.deliver_due()
        assert (report.delivered, report.abandoned) == (1, 1)
        assert later.deliver_due().delivered == 0
    finally:
        engine.dispose()
    assert sorted(b["milestone"] for b in hook.bodies) == [10, 20, 30, 40]
    assert [s for _k, s in outbox(app)] == ["delivered", "delivered", "failed", "delivered"]


def _killed_after(send, count: int):
    sent = []

    def sender(*args, **kwargs):
        send(*args, **kwargs)
        sent.append(1)
        if len(sent) == count:
            raise KeyboardInterrupt
    return sender


@pytest.mark.skipif(not on_postgres(), reason="SKIP LOCKED between deliverers: PostgreSQL")
def test_alerts_two_concurrent_deliverers_send_each_once(app, letter) -> None:
    hook = Hook(letter.server)
    _queue_alerts(letter, hook, subscribers=10)  # 40 alerts
    barrier = threading.Barrier(2)
    reports = []

    def run() -> None:
        one = deliverer(app, batch=3)
        barrier.wait()
        reports.append(one.deliver_due())

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.delivered for r in reports) == 40
    assert len(hook.bodies) == 40
    with app.app_context():
        from models.db import get_session

        assert get_session().scalar(select(func.count()).select_from(AlertDelivery)) == 40


def test_alerts_two_deliverers_in_threads_send_each_once_on_any_backend(app, letter) -> None:
    hook = Hook(letter.server)
    _queue_alerts(letter, hook, subscribers=3)
    threads = [threading.Thread(target=deliverer(app, batch=2).deliver_due) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(hook.bodies) == 12
    assert {s for _k, s in outbox(app)} == {"delivered"}


def test_alerts_failed_send_is_retried_with_backoff(app, letter) -> None:
    hook = Hook(letter.server, status=500)
    letter.subscribe(hook.url, milestones=(10,), needs_editor=False)
    letter.poll(range(5))
    letter.poll(range(15))
    now = [START + timedelta(days=1)]
    one = deliverer(app, clock=lambda: now[0])
    assert one.deliver_due().retrying == 1
    assert one.deliver_due().retrying == 0       # not due yet: the backoff holds it
    hook.status = 200
    now[0] += timedelta(minutes=1, seconds=1)
    assert one.deliver_due().delivered == 1
    assert hook.kinds() == ["milestone"]
    with app.app_context():
        from models.db import get_session

        attempts = get_session().scalars(select(AlertDelivery.ok)
                                         .order_by(AlertDelivery.id)).all()
    assert attempts == [False, True]


def test_alerts_retry_at_doubles_and_gives_up() -> None:
    assert retry_at(1, START) == START + timedelta(minutes=1)
    assert retry_at(3, START) == START + timedelta(minutes=4)
    assert retry_at(7, START) == START + timedelta(hours=1, minutes=4)
    assert retry_at(8, START) is None


def test_alerts_stale_claim_is_never_resent(app, letter) -> None:
    hook = Hook(letter.server)
    letter.subscribe(hook.url, milestones=(10,), needs_editor=False)
    letter.poll(range(5))
    letter.poll(range(15))
    with app.app_context():
        from models.db import get_session

        session = get_session()
        session.execute(update(AlertEvent).values(status="sending", claim_token="x" * 32,
                                                  claimed_at=START))
        session.commit()
    report = deliverer(app, clock=lambda: START + timedelta(hours=1)).deliver_due()
    assert (report.abandoned, report.delivered) == (1, 0)
    assert hook.bodies == [] and outbox(app) == [("milestone", "failed")]


def test_alerts_private_hosts_refused_without_the_setting() -> None:
    for url in ("json://127.0.0.1:8080/hook", "jsons://localhost/hook", "json://10.1.2.3/x",
                "json://[::1]/x", "json://169.254.169.254/latest"):
        with pytest.raises(AlertURLError, match="refused"):
            checked_service(url, allow_private=False)
    checked_service("json://127.0.0.1:8080/hook", allow_private=True)


def test_alerts_private_address_behind_a_public_name_is_refused() -> None:
    with pytest.raises(AlertURLError, match="not a public internet address"):
        checked_service("jsons://hooks.example.org/x", allow_private=False,
                        resolver=lambda _host, _port: ["192.168.1.5"])
    checked_service("jsons://hooks.example.org/x", allow_private=False,
                    resolver=lambda _host, _port: ["93.184.215.14"])


def test_alerts_unknown_or_hostile_urls_refused() -> None:
    for url in ("nonsense://x", "", "json://host/\u202eevil", "json://a/b\x00"):
        with pytest.raises(AlertURLError):
            checked_service(url, allow_private=True)


def test_alerts_mask_url_never_shows_the_secret() -> None:
    assert mask_url("json://hooks.example.org/T0ken/s3cret") == "json://hooks.exa…/***"
    assert mask_url("mailtos://user:pa55@mail.example.org") == "mailtos://mail.exam…/***"
    assert mask_url("slack://TokenA/TokenB/TokenC") == "slack://TokenA/***"
    assert mask_url("no scheme at all") == "***"
    assert "pa55" not in mask_url("json://user:pa55@h/x")


def test_alerts_send_error_names_no_secret(app, letter) -> None:
    hook = Hook(letter.server, status=500)
    letter.subscribe(hook.url + "?token=s3cret", milestones=(10,), needs_editor=False)
    letter.poll(range(5))
    letter.poll(range(15))
    deliverer(app).deliver_due()
    with app.app_context():
        from models.db import get_session

        error = get_session().scalar(select(AlertEvent.last_error))
    assert error and "s3cret" not in error
    assert issubclass(AlertSendError, Exception)
