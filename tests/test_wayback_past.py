"""A Wayback backfill into the past of a letter tracked already (#17 part A): its history is
rebuilt in time order, as if it had been tracked from the first capture, in one transaction,
keeping what editors did and the snapshots' ids."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from models import AuditLog, Person, PollLog, Signature, Snapshot, queries
from models.db import session_factory
from models.editing import decide_snapshot, merge_people
from scrapers.detect import parse_page
from scrapers.fetch import Fetcher, FetchSettings, build_client
from scrapers.wayback import WaybackClient, stamp_time
from tests.editors import post
from tests.tracking import add_letter
from tests.wayback import WaybackStandIn, series, signers, stamp
from tracker import backfill as backfill_module
from tracker.backfill import backfill, page_from_file
from tracker.demo import DEMO_LETTERS
from tracker.guard import GuardSettings
from tracker.poll import Page, Poller, PollSettings, confirm_suspect
from tracker.runtime import get_poller
from tracker.wayback import Target, backfill_wayback

RMS = DEMO_LETTERS[0]
CAPTURES = RMS.capture_list()


@pytest.fixture
def standin(app: Flask, httpserver) -> WaybackStandIn:
    served = WaybackStandIn(httpserver)
    for capture in CAPTURES:
        served.add_file(RMS.url, capture.at, capture.path)
    app.config["WAYBACK_URL"] = served.base_url
    return served


@pytest.fixture
def poller(app: Flask) -> Poller:
    settings = FetchSettings(allow_private=True, min_host_delay=0.0, max_retries=2,
                             read_timeout=5.0, connect_timeout=2.0)
    fetcher = Fetcher(build_client(settings), settings, sleep=lambda _s: None)
    return Poller(session_factory(app), fetcher, PollSettings(guard=GuardSettings()))


@pytest.fixture
def wayback(poller: Poller, standin: WaybackStandIn) -> WaybackClient:
    return WaybackClient(poller.fetcher, standin.base_url)


def tracked(app: Flask, poller: Poller, polled: list[int], *, url: str = RMS.url) -> Target:
    """The RMS letter as live polls recorded it at the times of the chosen snapshots."""
    letter_id = add_letter(app, url, kind=RMS.kind)
    for n in polled:
        page = page_from_file(CAPTURES[n].path, RMS.url, RMS.kind, {})
        poller.record(letter_id, page, observed_at=CAPTURES[n].at)
    return Target(letter_id, f"letter-{letter_id}", url, RMS.kind, {})


def from_scratch(app: Flask, poller: Poller) -> int:
    """The reference: the letter backfilled from all its captures before any poll."""
    letter_id = add_letter(app, RMS.url + "#from-scratch", kind=RMS.kind)
    backfill(poller, letter_id, RMS.url, RMS.kind, {}, CAPTURES)
    return letter_id


def events(app: Flask, letter_id: int) -> list[tuple]:
    from models import SignatureEvent

    with session_factory(app)() as session:
        return sorted((e.at, e.kind, s.name_key, s.occurrence) for e, s in session.execute(
            select(SignatureEvent, Signature).join(Signature)
            .where(SignatureEvent.letter_id == letter_id)))


def stored(app: Flask, letter_id: int) -> dict[str, list[tuple]]:
    """Everything of the letter's history, ids and people included."""
    with session_factory(app)() as session:
        snaps = session.scalars(select(Snapshot).where(Snapshot.letter_id == letter_id)
                                .order_by(Snapshot.id))
        sigs = session.scalars(select(Signature).where(Signature.letter_id == letter_id)
                               .order_by(Signature.id))
        return {"snapshots": [(s.id, s.observed_at, s.confirmations, s.status) for s in snaps],
                "signatures": [(s.id, s.person_id, s.first_seen_at, s.removed_at,
                                s.first_snapshot_id) for s in sigs],
                "events": events(app, letter_id)}


def snapshot_ids(app: Flask, letter_id: int) -> dict:
    with session_factory(app)() as session:
        return dict(session.execute(select(Snapshot.observed_at, Snapshot.id)
                                    .where(Snapshot.letter_id == letter_id)).all())


@pytest.mark.parametrize("polled", [[6, 7], [0, 6, 7], [0, 1, 7]],
                         ids=["after-growth", "a-gap-between", "last-only-after-a-gap"])
def test_wayback_past_rebuilds_the_series_a_backfill_from_scratch_would_have(
        app: Flask, poller: Poller, wayback: WaybackClient, polled: list[int]) -> None:
    target = tracked(app, poller, polled)
    ids_before = snapshot_ids(app, target.id)
    reference = from_scratch(app, poller)

    outcomes = backfill_wayback(poller, wayback, target)

    assert series(app, target.id) == series(app, reference)
    assert signers(app, target.id) == signers(app, reference)
    assert events(app, target.id) == events(app, reference)
    by_time = {o.capture.at: o for o in outcomes}
    assert all(by_time[CAPTURES[n].at].outcome == "skipped" for n in polled)
    assert sum(o.recorded for o in outcomes) == len(CAPTURES) - len(polled)
    ids_after = snapshot_ids(app, target.id)
    assert {at: ids_after[at] for at in ids_before} == ids_before  # permalinks by id hold


def test_wayback_past_keeps_the_confirmations_live_polls_made(
        app: Flask, poller: Poller, wayback: WaybackClient) -> None:
    target = tracked(app, poller, [6, 7])
    later = CAPTURES[7].at + timedelta(hours=5)
    last = page_from_file(CAPTURES[7].path, RMS.url, RMS.kind, {})
    poller.record(target.id, last, observed_at=later)  # an unchanged poll: a confirmation
    reference = from_scratch(app, poller)
    poller.record_archived(reference, last, observed_at=later)

    backfill_wayback(poller, wayback, target)

    assert series(app, target.id) == series(app, reference)
    assert series(app, target.id)[-1][1:3] == (later, 2)


def test_wayback_past_second_run_changes_nothing_and_fetches_no_capture(
        app: Flask, poller: Poller, wayback: WaybackClient, standin: WaybackStandIn) -> None:
    target = tracked(app, poller, [6, 7])
    backfill_wayback(poller, wayback, target)
    before, fetched = stored(app, target.id), len(standin.capture_requests())

    outcomes = backfill_wayback(poller, wayback, target)

    assert [o.outcome for o in outcomes] == ["skipped"] * len(CAPTURES)
    assert len(standin.capture_requests()) == fetched
    assert stored(app, target.id) == before


def test_wayback_past_keeps_an_editor_s_merge_and_the_signatures_ids(
        app: Flask, poller: Poller, wayback: WaybackClient) -> None:
    target = tracked(app, poller, [6, 7])
    with session_factory(app)() as session, session.begin():
        first, second = session.scalars(select(Signature).where(
            Signature.letter_id == target.id).order_by(Signature.position).limit(2)).all()
        merge_people(session, first.person_id, second.person_id, user_id=None,
                     now=CAPTURES[7].at + timedelta(days=1))
        merged_id, into = first.id, second.person_id
        old_ids = dict(session.execute(select(Signature.id, Signature.name_key)
                                       .where(Signature.letter_id == target.id)).all())

    backfill_wayback(poller, wayback, target)

    with session_factory(app)() as session:
        assert session.get_one(Signature, merged_id).person_id == into
        now = dict(session.execute(select(Signature.id, Signature.name_key)
                                   .where(Signature.letter_id == target.id)).all())
        assert {sid: now[sid] for sid in old_ids} == old_ids
        assert session.scalar(select(func.count()).select_from(AuditLog)
                              .where(AuditLog.action == "person.merge")) == 1
        assert session.scalar(select(Person.merged_into_id).where(
            Person.id != into, Person.merged_into_id.is_not(None))) == into


def test_wayback_past_keeps_the_poll_log_pointing_at_its_snapshots(
        app: Flask, poller: Poller, wayback: WaybackClient) -> None:
    target = tracked(app, poller, [6, 7])
    ids = snapshot_ids(app, target.id)

    backfill_wayback(poller, wayback, target)

    with session_factory(app)() as session:
        logged = sorted(session.scalars(select(PollLog.snapshot_id)
                                        .where(PollLog.letter_id == target.id)))
    assert logged == sorted(ids.values())


@pytest.mark.parametrize("failure", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_wayback_past_failure_mid_rebuild_leaves_the_old_history(
        app: Flask, poller: Poller, wayback: WaybackClient, monkeypatch, failure) -> None:
    target = tracked(app, poller, [6, 7])
    before = stored(app, target.id)
    real, calls = backfill_module._replay, []

    def failing_fourth(*args):
        calls.append(args)
        if len(calls) == 4:
            raise failure
        return real(*args)

    monkeypatch.setattr(backfill_module, "_replay", failing_fourth)
    with pytest.raises(type(failure)):
        backfill_wayback(poller, wayback, target)
    assert stored(app, target.id) == before

    monkeypatch.setattr(backfill_module, "_replay", real)
    reference = from_scratch(app, poller)
    backfill_wayback(poller, wayback, target)
    assert series(app, target.id) == series(app, reference)


def test_wayback_past_interrupted_while_fetching_resumes_from_the_archived_captures(
        app: Flask, poller: Poller, wayback: WaybackClient, standin: WaybackStandIn) -> None:
    target = tracked(app, poller, [6, 7])
    before = stored(app, target.id)

    def interrupt(progress) -> None:
        if progress.done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        backfill_wayback(poller, wayback, target, on_progress=interrupt)
    assert stored(app, target.id) == before
    assert len(standin.capture_requests()) == 3

    outcomes = backfill_wayback(poller, wayback, target)

    assert len(standin.capture_requests()) == 6  # the three archived were not asked again
    assert [o.detail for o in outcomes[:3]] == ["before tracking began"] * 3
    reference = from_scratch(app, poller)
    assert series(app, target.id) == series(app, reference)
    with session_factory(app)() as session:
        cited = session.scalars(select(Snapshot.capture_url).where(
            Snapshot.letter_id == target.id).order_by(Snapshot.observed_at)).all()
    assert cited[:6] == [f"{standin.base_url}/web/{stamp(c.at)}id_/{RMS.url}"
                         for c in CAPTURES[:6]]
    assert cited[6:] == [None, None]  # read live


def test_wayback_past_refuses_a_history_it_could_not_replay_and_keeps_it(
        app: Flask, poller: Poller, wayback: WaybackClient) -> None:
    target = tracked(app, poller, [6, 7])
    with session_factory(app)() as session, session.begin():
        first = session.scalars(select(Snapshot).where(Snapshot.letter_id == target.id)
                                .order_by(Snapshot.observed_at)).first()
        first.archive_sha256 = None
    before = stored(app, target.id)
    with pytest.raises(ValueError, match="no archived page"):
        backfill_wayback(poller, wayback, target)
    assert stored(app, target.id) == before


def _paged(names: list[str], next_href: str | None, total: int) -> bytes:
    items = "".join(f"<li>{name}</li>" for name in names)
    link = f'<a rel="next" href="{next_href}">Next</a>' if next_href else ""
    return (f"<html><body><h1>Open letter</h1><p>{total} signatures</p>"
            f"<ol class='signers'>{items}</ol>{link}</body></html>").encode()


def test_wayback_past_keeps_a_held_snapshot_s_capture_and_later_pages(
        app: Flask, poller: Poller, wayback: WaybackClient, standin: WaybackStandIn) -> None:
    url, options = "https://letters.example/paged", {"selector": "ol.signers li"}
    names = [f"Person Number{n}" for n in range(1, 9)]
    standin.add(url, "20230801000000", _paged(names[:2], None, 2), "text/html")
    standin.add(url, "20230815174800", _paged(names[:4], "?page=2", 8), "text/html")
    page2 = standin.add(url + "?page=2", "20230815180512", _paged(names[4:], None, 8),
                        "text/html")
    letter_id = add_letter(app, url, kind="html")
    target = Target(letter_id, "paged", url, "html", options)
    backfill_wayback(poller, wayback, target, since="20230815")  # tracked from 15 Aug on
    held = snapshot_ids(app, letter_id)

    backfill_wayback(poller, wayback, target)

    with session_factory(app)() as session:
        later = session.get_one(Snapshot, next(iter(held.values())))
        assert (later.listed_count, later.partial) == (8, False)
        assert later.capture_url == f"{standin.base_url}/web/20230815174800id_/{url}"
        assert [(p.url, p.capture_url) for p in later.more_pages] == [
            (url + "?page=2", f"{standin.base_url}/web/{page2}id_/{url}?page=2")]
    first_seen = {key: seen for key, _o, _p, seen, _r in signers(app, letter_id)}
    assert sorted(first_seen.values())[:2] == [stamp_time("20230801000000")] * 2
    assert len(series(app, letter_id)) == 2


def test_wayback_past_capture_with_a_lost_later_page_and_no_count_is_left_out(
        app: Flask, poller: Poller, wayback: WaybackClient, standin: WaybackStandIn) -> None:
    url, options = "https://letters.example/paged", {"selector": "ol.signers li"}
    uncounted = _paged(["Ada Lovelace", "Grace Hopper"], "?page=2", 0).replace(
        b"<p>0 signatures</p>", b"")
    early = standin.add(url, "20230801000000", uncounted, "text/html")  # page 2 never captured
    standin.add(url, "20230815174800", _paged(["Ada Lovelace"], None, 1), "text/html")
    letter_id = add_letter(app, url, kind="html")
    target = Target(letter_id, "paged", url, "html", options)
    backfill_wayback(poller, wayback, target, since="20230815")
    before, messages = stored(app, letter_id), []

    for _run in range(2):
        outcomes = backfill_wayback(poller, wayback, target,
                                    on_progress=lambda step: messages.append(step.message))
        assert {o.capture.timestamp: o.outcome for o in outcomes}[early] == "missing"
    assert stored(app, letter_id) == before
    assert not [m for m in messages if "history rebuilt" in (m or "")]


# ---------------------------------------------------------------- editors' decisions

def _page(names: list[str]) -> bytes:
    items = "".join(f"<li>{name}</li>" for name in names)
    return (f"<html><body><h1>Open letter</h1><ol class='signers'>{items}</ol>"
            f"</body></html>").encode()


NAMES = [f"Signer Number{n}" for n in range(1, 41)]
SUSPECT_URL = "https://letters.example/suspect"
OPTIONS = {"selector": "ol.signers li"}


def polled_html(poller: Poller, letter_id: int, body: bytes, at) -> None:
    result = parse_page(body, SUSPECT_URL, "text/html", "html", OPTIONS)
    poller.record(letter_id, Page(body=body, url=SUSPECT_URL, content_type="text/html",
                                  sha256=hashlib.sha256(body).hexdigest(), result=result),
                  observed_at=at)


@pytest.mark.parametrize("confirm", [True, False], ids=["confirmed", "rejected"])
def test_wayback_past_keeps_an_editor_s_decision_on_a_suspect_snapshot(
        app: Flask, poller: Poller, standin: WaybackStandIn, confirm: bool) -> None:
    start = CAPTURES[0].at
    letter_id = add_letter(app, SUSPECT_URL, kind="html")
    polled_html(poller, letter_id, _page(NAMES), start + timedelta(days=1))
    polled_html(poller, letter_id, _page(NAMES[:5]), start + timedelta(days=2))  # suspect
    with session_factory(app)() as session, session.begin():
        suspect = session.scalars(select(Snapshot).where(Snapshot.status == "suspect")).one()
        decide_snapshot(session, suspect.id, confirm, user_id=None, now=start)
        if confirm:
            confirm_suspect(session, suspect, None)
        suspect_id = suspect.id
    standin.add(SUSPECT_URL, stamp(start), _page(NAMES[:30]), "text/html")
    wayback = WaybackClient(poller.fetcher, standin.base_url)

    backfill_wayback(poller, wayback, Target(letter_id, "suspect", SUSPECT_URL, "html", OPTIONS))

    with session_factory(app)() as session:
        assert session.get_one(Snapshot, suspect_id).status == ("ok" if confirm else "rejected")
        assert session.scalar(select(func.count()).select_from(Snapshot)
                              .where(Snapshot.letter_id == letter_id)) == 3
    found = {key: (first_seen, removed) for key, _o, _p, first_seen, removed
             in signers(app, letter_id)}
    assert [found[key][0] for key in sorted(found)][:1] == [start]
    assert sum(first_seen == start for first_seen, _r in found.values()) == 30
    assert sum(removed is None for _f, removed in found.values()) == (5 if confirm else 40)


# ---------------------------------------------------------------- the command and the button

def test_backfill_wayback_of_a_tracked_letter_says_it_rebuilt_the_history(
        app: Flask, runner, standin: WaybackStandIn) -> None:
    runner.invoke(args=["letters", "add", RMS.url, "--slug", "rms", "--kind", "markdown"])
    with session_factory(app)() as session:
        letter_id = queries.letter_by_slug(session, "rms").id
    for n in (6, 7):
        get_poller(app).record(letter_id, page_from_file(CAPTURES[n].path, RMS.url, RMS.kind,
                                                         {}), observed_at=CAPTURES[n].at)
    result = runner.invoke(args=["backfill", "rms", "--wayback"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert "6 captures before tracking began; history rebuilt: 8 snapshots" in lines
    assert lines[-1] == "8 captures: 6 recorded, 2 skipped"
    again = runner.invoke(args=["backfill", "rms", "--wayback"])
    assert again.output.strip().splitlines()[-1] == "8 captures: 8 skipped"


def run_to_end(app: Flask) -> None:
    for thread in app.extensions.get("signwatch.wayback_jobs", {}).values():
        thread.join(timeout=60)


def test_admin_backfill_of_a_tracked_letter_rebuilds_its_history(
        app: Flask, editor, standin: WaybackStandIn) -> None:
    target = tracked(app, get_poller(app), [6, 7])
    page = editor.get(f"/admin/letters/{target.id}/wayback").get_data(as_text=True)
    assert "before its first poll" not in page
    post(editor, f"/admin/letters/{target.id}/wayback")
    run_to_end(app)
    job = editor.get(f"/admin/letters/{target.id}/wayback/progress.json").get_json()["job"]
    assert job["state"] == "done"
    assert job["message"] == ("6 captures before tracking began; history rebuilt: "
                              "8 snapshots; 8 captures: 6 recorded, 2 skipped")
    assert len(series(app, target.id)) == 8
