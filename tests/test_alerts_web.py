"""Alerts on the web and the command line (#17 B): /admin/alerts (sign-in, CSRF, masked URLs,
the delivery log), the letter's alert feed, the CLI, hostile letter names in payloads."""

from __future__ import annotations

import pytest
from flask import Flask
from pytest_httpserver import HTTPServer
from sqlalchemy import select

from models.alerts import AlertSubscription
from models.db import session_factory
from tests.alerting import AlertLetter, Hook, deliverer
from tests.editors import post

HOSTILE = '<script>alert(1)</script> "Ω" \u202eevil {milestone} %s & Co'


@pytest.fixture
def letter(app: Flask, httpserver: HTTPServer) -> AlertLetter:
    return AlertLetter(app, httpserver)


@pytest.fixture
def hook(httpserver: HTTPServer) -> Hook:
    return Hook(httpserver)


def _form(letter: AlertLetter, url: str, **fields: str) -> dict[str, str]:
    return {"letter": str(letter.id), "milestones": "10 20", "surge": "", "roster": "",
            "facet": "", "needs_editor": "y", "url": url, **fields}


def test_alerts_admin_needs_sign_in(client) -> None:
    assert client.get("/admin/alerts").status_code in {302, 401}
    assert client.post("/admin/alerts", data={}).status_code in {302, 400, 401}


def test_alerts_admin_refuses_a_post_without_csrf(editor, letter, hook) -> None:
    response = editor.post("/admin/alerts", data=_form(letter, hook.url))
    assert response.status_code == 400
    assert editor.post("/admin/alerts/1/remove").status_code == 400


def test_alerts_admin_saves_and_masks_the_url(app, editor, letter, hook) -> None:
    secret_url = hook.url + "?token=s3cret-t0ken"
    response = post(editor, "/admin/alerts", _form(letter, secret_url),
                    form_page="/admin/alerts", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "saved" in page
    assert "s3cret" not in page and "json://localhost…/***" in page
    assert "milestone 10, milestone 20, suspect/blocked" in page
    with session_factory(app)() as session:
        assert session.scalars(select(AlertSubscription.url)).one() == secret_url


def test_alerts_admin_refuses_a_private_url_without_the_setting(app, editor, letter) -> None:
    app.config["ALLOW_PRIVATE_URLS"] = False
    response = post(editor, "/admin/alerts", _form(letter, "json://10.0.0.7/s3cret"),
                    form_page="/admin/alerts")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "refused" in page and "s3cret" not in page


def test_alerts_admin_shows_the_delivery_log_and_removes(app, editor, letter, hook) -> None:
    sub_id = letter.subscribe(hook.url, milestones=(10,))
    letter.poll(range(5))
    letter.poll(range(15))
    deliverer(app).deliver_due()
    page = editor.get("/admin/alerts").get_data(as_text=True)
    assert "Delivery log" in page and "milestone" in page and "delivered" in page
    response = post(editor, f"/admin/alerts/{sub_id}/remove", form_page="/admin/alerts")
    assert response.status_code == 302
    with session_factory(app)() as session:
        assert session.get(AlertSubscription, sub_id) is None


def test_alerts_admin_test_button_sends_a_test_alert(editor, letter, hook) -> None:
    sub_id = letter.subscribe(hook.url, milestones=(10,))
    post(editor, f"/admin/alerts/{sub_id}/test", form_page="/admin/alerts")
    assert hook.kinds() == ["test"]


def test_alerts_hostile_letter_name_travels_intact_and_renders_escaped(app, editor, client,
                                                                       letter, hook) -> None:
    letter.title = HOSTILE
    letter.subscribe(hook.url, milestones=(10,))
    letter.poll(range(5))
    letter.poll(range(15))
    deliverer(app).deliver_due()
    (body,) = hook.bodies
    assert body["letter_title"] == HOSTILE and body["kind"] == "milestone"
    feed = client.get(f"/letters/{letter.slug}/alerts.atom")
    text = feed.get_data(as_text=True)
    assert feed.mimetype == "application/atom+xml"
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "passed 10 signatures" in text
    assert "<script>" not in editor.get("/admin/alerts").get_data(as_text=True)


def test_alerts_feed_lists_each_alert_once(app, client, letter, hook) -> None:
    letter.subscribe(hook.url, milestones=(10,))
    letter.subscribe(hook.url, milestones=(10,))   # two subscribers, one event
    letter.poll(range(5))
    letter.poll(range(15))
    text = client.get(f"/letters/{letter.slug}/alerts.atom").get_data(as_text=True)
    assert text.count("<entry>") == 1
    assert client.get("/letters/no-such-letter/alerts.atom").status_code == 404


def test_alerts_cli_add_list_test_deliver_remove(app, runner, letter, hook) -> None:
    added = runner.invoke(args=["alerts", "add", letter.slug, "--milestone", "10",
                                "--milestone", "20", "--surge", "5/1h", "--to",
                                hook.url + "?k=s3cret"])
    assert added.exit_code == 0, added.output
    assert "s3cret" not in added.output and "…/***" in added.output
    listed = runner.invoke(args=["alerts", "list"])
    assert "milestone 10, milestone 20, surge 5/1h" in listed.output
    assert "s3cret" not in listed.output
    assert runner.invoke(args=["alerts", "test", "1"]).exit_code == 0
    letter.poll(range(5))
    letter.poll(range(15))
    delivered = runner.invoke(args=["alerts", "deliver"])
    assert "2 delivered" in delivered.output           # the milestone and the surge
    assert sorted(hook.kinds()) == ["milestone", "surge", "test"]
    assert runner.invoke(args=["alerts", "remove", "1"]).exit_code == 0
    assert "no alert subscriptions" in runner.invoke(args=["alerts", "list"]).output


def test_alerts_cli_refuses_bad_input(runner, letter, hook) -> None:
    cases = [
        (["alerts", "add", "--to", hook.url], "SLUG or --all"),
        (["alerts", "add", "nope", "--milestone", "5", "--to", hook.url], "no letter named"),
        (["alerts", "add", "--all", "--surge", "lots", "--to", hook.url], "not a surge"),
        (["alerts", "add", "--all", "--facet", "role", "--to", hook.url], "not a facet"),
        (["alerts", "add", "--all", "--signer-match", "x", "--to", hook.url], "no roster"),
        (["alerts", "add", "--all", "--to", "bogus://x"], "Apprise"),
        (["alerts", "remove", "99"], "no alert subscription #99"),
    ]
    for args, message in cases:
        result = runner.invoke(args=args)
        assert result.exit_code != 0 and message in result.output, (args, result.output)


def test_alerts_cli_add_all_letters(runner, letter, hook) -> None:
    result = runner.invoke(args=["alerts", "add", "--all", "--milestone", "10", "--to",
                                 hook.url])
    assert result.exit_code == 0 and "all letters" in result.output


def test_alerts_parse_milestones_reads_what_editors_type() -> None:
    from tracker.alerts import SubscriptionError
    from web.alerts import parse_milestones

    assert parse_milestones("1,000 5,000") == (1000, 5000)
    assert parse_milestones("1000,5000; 10000") == (1000, 5000, 10000)
    assert parse_milestones("") == ()
    with pytest.raises(SubscriptionError):
        parse_milestones("1000 lots")


def test_alerts_letter_page_links_its_alert_feed(client, letter) -> None:
    letter.poll(range(3))
    page = client.get(f"/letters/{letter.slug}").get_data(as_text=True)
    assert f"/letters/{letter.slug}/alerts.atom" in page
