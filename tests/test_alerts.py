"""Alerts (#17 B) end to end: polls over loopback queue them, a deliverer posts them to a real
local webhook receiver (json:// through Apprise), each exactly once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from pytest_httpserver import HTTPServer

from tests.alerting import PUBLIC_URL, AlertLetter, Hook, deliverer


@pytest.fixture
def letter(app: Flask, httpserver: HTTPServer) -> AlertLetter:
    return AlertLetter(app, httpserver)


@pytest.fixture
def hook(httpserver: HTTPServer) -> Hook:
    return Hook(httpserver)


def test_alerts_milestone_fires_once_per_crossing(app, letter, hook) -> None:
    letter.subscribe(hook.url, milestones=(50,), needs_editor=False)
    assert letter.poll(range(40)) == "first"
    assert letter.poll(range(60)) == "changed"
    assert letter.poll(range(62)) == "changed"
    assert deliverer(app).deliver_due().delivered == 1
    (body,) = hook.bodies
    assert (body["kind"], body["milestone"], body["count"]) == ("milestone", 50, 60)
    assert body["letter"] == letter.slug
    assert body["permalink"] == f"{PUBLIC_URL}/letters/{letter.slug}?as_of={body['as_of']}"
    assert deliverer(app).deliver_due().delivered == 0


def test_alerts_milestone_recrossing_within_the_window_is_quiet(app, letter, hook) -> None:
    letter.subscribe(hook.url, milestones=(50,), needs_editor=False)
    letter.poll(range(45))
    letter.poll(range(52))                       # crosses: alert
    letter.poll(range(48))                       # a drop under the guard's share: trusted
    letter.poll(range(53))                       # re-crossing minutes later: quiet
    letter.poll(range(48), after=timedelta(hours=25))
    letter.poll(range(51))                       # a day later it is news again
    deliverer(app).deliver_due()
    assert [(b["kind"], b["count"]) for b in hook.bodies] == [("milestone", 52),
                                                              ("milestone", 51)]


def test_alerts_milestone_waits_for_a_suspect_point_to_be_confirmed(app, letter, hook) -> None:
    letter.subscribe(hook.url, milestones=(50,), needs_editor=False)
    letter.poll(range(40), stated=40)
    assert letter.poll(range(5), stated=60) == "suspect"   # the list fell: held back
    deliverer(app).deliver_due()
    assert hook.bodies == []
    letter.poll(range(5), stated=60)
    assert letter.poll(range(5), stated=60) == "confirmed"
    deliverer(app).deliver_due()
    assert [(b["kind"], b["count"]) for b in hook.bodies] == [("milestone", 60)]


def test_alerts_suspect_alerts_once_while_held(app, letter, hook) -> None:
    letter.subscribe(hook.url)
    letter.poll(range(40))
    assert letter.poll(range(10)) == "suspect"
    assert letter.poll(range(10)) == "suspect"   # the same held change, confirmed again
    deliverer(app).deliver_due()
    (body,) = hook.bodies
    assert body["kind"] == "suspect" and body["count"] == 10
    assert "dropped" in body["reason"]


def test_alerts_surge_counts_new_signers_in_the_window(app, letter, hook) -> None:
    letter.subscribe(hook.url, surge=(20, 3600), needs_editor=False)
    letter.poll(range(10))
    letter.poll(range(20))                       # +10 in 15 minutes
    letter.poll(range(32))                       # +22 within the hour: surge
    letter.poll(range(45))                       # still the same hour: once per window
    letter.poll(range(70), after=timedelta(hours=2))
    deliverer(app).deliver_due()
    assert [(b["kind"], b["added"]) for b in hook.bodies] == [("surge", 22), ("surge", 25)]


def test_alerts_notable_signer_on_roster_added_and_removed(app, letter, hook, runner,
                                                           tmp_path) -> None:
    roster = tmp_path / "analysts.csv"
    roster.write_text("name,network\nSigner000007 Generated,CNN\n")
    assert runner.invoke(args=["roster", "import", str(roster), "--name", "tv"]).exit_code == 0
    letter.subscribe(hook.url, roster_name="tv", needs_editor=False)
    letter.poll(range(5))
    letter.poll(range(9))                        # signer 7 arrives
    letter.poll([*range(7), 8])                  # and is gone again
    deliverer(app).deliver_due()
    assert [(b["kind"], b["signers"]) for b in hook.bodies] == [
        ("notable_signer", ["Signer000007 Generated"]),
        ("notable_signer_removed", ["Signer000007 Generated"])]


def test_alerts_notable_signer_by_facet(app, httpserver, hook, shipped_rules) -> None:
    letter = AlertLetter(app, httpserver, rules=shipped_rules)  # facets written as it polls
    letter.subscribe(hook.url, facet=("role_category", "agent"), needs_editor=False)
    letter.poll(range(2))
    letter.poll(range(4))                        # signer 2 is a Special Agent, FBI
    deliverer(app).deliver_due()
    assert [(b["kind"], b["signers"]) for b in hook.bodies] == [
        ("notable_signer", ["Signer000002 Generated"])]


def test_alerts_blocked_alerts_once_per_streak(app, letter, hook) -> None:
    letter.subscribe(hook.url, milestones=(1000,))
    letter.poll(range(10))
    assert letter.refused() == "blocked"
    assert letter.refused() == "blocked"         # the same streak: no second alert
    letter.poll(range(11))
    assert letter.refused() == "blocked"         # a new streak
    deliverer(app).deliver_due()
    assert hook.kinds() == ["blocked", "blocked"]
    assert hook.bodies[0]["outcome"] == "blocked" and "anti-bot" in hook.bodies[0]["error"]


def test_alerts_milestone_fires_when_an_editor_confirms_the_suspect(app, editor, letter,
                                                                    hook) -> None:
    from sqlalchemy import select

    from models.db import session_factory
    from models.letters import Snapshot
    from tests.editors import post

    letter.subscribe(hook.url, milestones=(50,), needs_editor=False)
    letter.poll(range(40), stated=40)
    assert letter.poll(range(5), stated=60) == "suspect"
    with session_factory(app)() as session:
        suspect_id = session.scalar(select(Snapshot.id).where(Snapshot.status == "suspect"))
    response = post(editor, f"/admin/snapshots/{suspect_id}/confirm",
                    form_page="/admin/snapshots")
    assert response.status_code == 302
    deliverer(app).deliver_due()
    assert [(b["kind"], b["count"]) for b in hook.bodies] == [("milestone", 60)]
