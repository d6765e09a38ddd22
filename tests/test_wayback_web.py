"""A Wayback backfill on the web (#17 part A): the citation box and the snapshot export cite
each capture, and /admin starts a backfill in the background and shows its progress."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from models import BackfillJob, Letter, Snapshot
from models.base import utcnow
from models.db import session_factory
from tests.editors import post
from tests.tracking import add_letter
from tests.wayback import WaybackStandIn
from tracker.demo import DEMO_LETTERS
from tracker.runtime import get_poller
from tracker.wayback import Target, backfill_wayback, get_wayback

URL = "https://letters.example/open"
PAGE = (b"<html><body><h1>Open letter</h1><p>3 signatures</p><ol class='signers'>"
        b"<li>Ada Lovelace</li><li>Grace Hopper</li><li>Alan Turing</li></ol></body></html>")
RMS = DEMO_LETTERS[0]


@pytest.fixture
def standin(app: Flask, httpserver) -> WaybackStandIn:
    served = WaybackStandIn(httpserver)
    app.config["WAYBACK_URL"] = served.base_url
    return served


def slug_of(app: Flask, letter_id: int) -> str:
    with session_factory(app)() as session:
        return session.get_one(Letter, letter_id).slug


def backfilled(app: Flask, standin: WaybackStandIn) -> tuple[int, str]:
    """The small letter, backfilled from its one capture of 15 Aug 2023 17:48 UTC."""
    stamp = standin.add(URL, "20230815174800", PAGE, "text/html")
    letter_id = add_letter(app, URL, kind="html")
    target = Target(letter_id, slug_of(app, letter_id), URL, "html", {})
    backfill_wayback(get_poller(app), get_wayback(app), target)
    return letter_id, f"{standin.base_url}/web/{stamp}id_/{URL}"


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_citation_box_names_and_links_the_wayback_capture(app: Flask, client,
                                                          standin: WaybackStandIn) -> None:
    letter_id, capture = backfilled(app, standin)
    body = client.get(f"/letters/{slug_of(app, letter_id)}").get_data(as_text=True)
    cite = re.search(r'<section class="citation".*?</section>', body, re.S).group(0)
    assert ("read from the Wayback Machine capture of 15 Aug 2023 17:48 UTC of " + URL
            in plain(cite))
    assert f'<a class="capture" href="{capture}"' in cite


def test_citation_api_gives_the_capture_url(app: Flask, client, standin) -> None:
    letter_id, capture = backfilled(app, standin)
    data = client.get(f"/api/v1/letters/{slug_of(app, letter_id)}").get_json()["data"]
    assert data["citation"]["capture_url"] == capture


def test_snapshot_export_adds_capture_columns_after_the_old_ones(app: Flask, client,
                                                                 standin) -> None:
    letter_id, capture = backfilled(app, standin)
    text = client.get(f"/letters/{slug_of(app, letter_id)}/snapshots.csv").get_data(
        as_text=True)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][-3:] == ["archive_sha256", "capture_url", "partial"]
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["capture_url"] == capture and record["partial"] in ("False", "false")


def test_snapshot_export_json_has_the_capture(app: Flask, runner, standin, tmp_path) -> None:
    letter_id, capture = backfilled(app, standin)
    out = tmp_path / "snaps.json"
    result = runner.invoke(args=["export", "snapshots", slug_of(app, letter_id), "-o", str(out),
                                 "--format", "json"])
    assert result.exit_code == 0, result.output
    assert capture in out.read_text()


# ---------------------------------------------------------------- the admin button

def run_to_end(app: Flask) -> None:
    for thread in app.extensions.get("signwatch.wayback_jobs", {}).values():
        thread.join(timeout=60)


def serve_rms(app: Flask, standin: WaybackStandIn) -> int:
    for capture in RMS.capture_list():
        standin.add_file(RMS.url, capture.at, capture.path)
    return add_letter(app, RMS.url, kind="markdown")


def test_admin_letter_page_has_the_backfill_button(app: Flask, editor, standin) -> None:
    letter_id = serve_rms(app, standin)
    page = editor.get(f"/admin/letters/{letter_id}/edit").get_data(as_text=True)
    assert f'action="/admin/letters/{letter_id}/wayback"' in page
    assert "Backfill from the Wayback Machine" in page


def test_admin_backfill_runs_in_the_background_and_reports_progress(app: Flask, editor,
                                                                    standin) -> None:
    letter_id = serve_rms(app, standin)
    response = post(editor, f"/admin/letters/{letter_id}/wayback", {"from": "2021-03-24"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/letters/{letter_id}/wayback")
    run_to_end(app)
    job = editor.get(f"/admin/letters/{letter_id}/wayback/progress.json").get_json()["job"]
    assert (job["state"], job["total"], job["done"], job["recorded"]) == ("done", 7, 7, 7)
    assert job["message"] == "7 captures: 7 recorded"
    page = editor.get(f"/admin/letters/{letter_id}/wayback").get_data(as_text=True)
    assert 'data-field="state">done<' in page
    with session_factory(app)() as session:
        assert len(session.scalars(select(Snapshot)).all()) == 7


def test_admin_backfill_needs_an_editor_and_a_csrf_token(app: Flask, client, editor,
                                                         standin) -> None:
    letter_id = serve_rms(app, standin)
    assert editor.post(f"/admin/letters/{letter_id}/wayback").status_code == 400
    anonymous = app.test_client()
    assert anonymous.get(f"/admin/letters/{letter_id}/wayback/progress.json").status_code in (
        302, 401)
    with session_factory(app)() as session:
        assert session.scalars(select(BackfillJob)).all() == []


def test_admin_backfill_refuses_a_second_while_one_runs_and_resumes_an_interrupted_one(
        app: Flask, editor, standin) -> None:
    letter_id = serve_rms(app, standin)
    with session_factory(app)() as session, session.begin():
        now = utcnow()
        session.add(BackfillJob(letter_id=letter_id, started_at=now, updated_at=now))
    post(editor, f"/admin/letters/{letter_id}/wayback")
    with session_factory(app)() as session, session.begin():
        [job] = session.scalars(select(BackfillJob)).all()
        job.updated_at = utcnow() - timedelta(hours=1)  # its process ended long ago
    shown = editor.get(f"/admin/letters/{letter_id}/wayback/progress.json").get_json()["job"]
    assert shown["state"] == "interrupted"
    post(editor, f"/admin/letters/{letter_id}/wayback")
    run_to_end(app)
    with session_factory(app)() as session:
        states = [j.state for j in session.scalars(select(BackfillJob).order_by(BackfillJob.id))]
    assert states == ["failed", "done"]


def test_admin_backfill_rejects_a_malformed_date(app: Flask, editor, standin) -> None:
    letter_id = serve_rms(app, standin)
    response = post(editor, f"/admin/letters/{letter_id}/wayback", {"from": "next tuesday"})
    assert response.status_code == 400


def test_api_snapshots_carry_the_capture(app: Flask, client, standin) -> None:
    letter_id, capture = backfilled(app, standin)
    data = client.get(f"/api/v1/letters/{slug_of(app, letter_id)}/snapshots").get_json()["data"]
    assert [(s["capture_url"], s["partial"]) for s in data] == [(capture, False)]
