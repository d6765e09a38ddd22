"""``--render`` without a browser: the request policy, render_unavailable, the stored option,
and the scheduler handing rendered letters to their own pool (issue #15, layer 2)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from pytest_httpserver import HTTPServer
from sqlalchemy import select, update

from models import Letter, PollLog, Snapshot
from models.db import session_factory
from scrapers.errors import FetchError, RenderError, RenderUnavailable
from scrapers.render import Renderer, as_utf8_html, preview_rendered, refusal
from tests.editors import post
from tests.rendering import loopback_settings, serve_letter
from tests.tracking import add_letter
from tracker.poll import Poller
from tracker.runtime import fetch_settings
from tracker.scheduler import RenderQueue, Ticker

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
NO_BROWSER = "/nonexistent/chromium"


@pytest.mark.parametrize(("method", "kind", "url", "refused"), [
    ("GET", "script", "https://cdn.example.org/app.js", False),
    ("GET", "fetch", "https://api.example.org/signers.json", False),
    ("GET", "xhr", "https://example.org/signers.json", False),
    ("POST", "fetch", "https://example.org/collect", True),
    ("POST", "ping", "https://example.org/beacon", True),
    ("GET", "image", "https://tracker.example.net/pixel.gif?d=x", True),
    ("GET", "stylesheet", "https://example.org/site.css", True),
    ("GET", "document", "https://example.org/frame", True),
    ("GET", "websocket", "wss://example.org/socket", True),
    ("GET", "fetch", "file:///etc/passwd", True),
    ("GET", "script", "ftp://example.org/app.js", True),
])
def test_refusal_allows_only_get_scripts_xhr_fetch(method, kind, url, refused) -> None:
    assert (refusal(method, kind, url) is not None) is refused


def test_as_utf8_html_states_utf8_once_and_drops_declared_charsets() -> None:
    html = ('<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; '
            'charset=windows-1252"><META CHARSET=latin1><title>x</title></head>'
            '<body>charset=5</body></html>')
    assert as_utf8_html(html) == ('<!DOCTYPE html><html><head><meta charset="utf-8">'
                                  '<title>x</title></head><body>charset=5</body></html>')


def test_render_errors_are_fetch_errors_with_outcomes() -> None:
    assert issubclass(RenderUnavailable, RenderError) and issubclass(RenderError, FetchError)
    assert RenderUnavailable.outcome == "render_unavailable"


def test_preview_render_without_browser_is_render_unavailable(httpserver: HTTPServer) -> None:
    url = serve_letter(httpserver)
    with pytest.raises(RenderUnavailable, match=NO_BROWSER):
        preview_rendered(url, settings=loopback_settings(executable_path=NO_BROWSER))


def test_preview_cli_render_without_browser_says_so(app: Flask, runner,
                                                    httpserver: HTTPServer) -> None:
    app.config["CHROMIUM_PATH"] = NO_BROWSER
    result = runner.invoke(args=["preview", serve_letter(httpserver), "--render"])
    assert result.exit_code != 0
    assert "render_unavailable: no Chromium at /nonexistent/chromium" in result.output


def test_poll_rendered_letter_without_browser_logs_render_unavailable(
        app: Flask, runner, httpserver: HTTPServer) -> None:
    url = serve_letter(httpserver)
    assert runner.invoke(args=["letters", "add", url, "--render"]).exit_code == 0
    renderer = Renderer(loopback_settings(executable_path=NO_BROWSER))
    settings = fetch_settings(app)
    from scrapers.fetch import Fetcher, build_client

    poller = Poller(session_factory(app), Fetcher(build_client(settings), settings),
                    renderer=renderer)
    with session_factory(app)() as session:
        letter_id = session.scalar(select(Letter.id))
    try:
        result = poller.poll(letter_id)
    finally:
        renderer.close()
    assert (result.outcome, result.reported_count) == ("render_unavailable", None)
    with session_factory(app)() as session:
        assert session.scalars(select(PollLog.outcome)).all() == ["render_unavailable"]
        assert session.scalars(select(Snapshot)).all() == []
        assert session.scalar(select(Letter.last_outcome)) == "render_unavailable"


def test_letters_add_render_option_persisted(app: Flask, runner) -> None:
    result = runner.invoke(args=["letters", "add", "https://example.org/x", "--render",
                                 "--selector", "li"])
    assert result.exit_code == 0 and "rendered in Chromium" in result.output
    with session_factory(app)() as session:
        assert session.scalar(select(Letter.options)) == {"selector": "li", "render": True}


def _letter_form(**fields: str) -> dict[str, str]:
    data = {"url": "https://example.org/letter", "kind": "auto", "title": "Statement",
            "interval": "15m", "selector": "", "count_selector": "", "organizer": ""}
    return {**data, **fields}


def test_admin_letter_form_edits_render_option(app: Flask, editor, seeds) -> None:
    path = f"/admin/letters/{seeds['letter_id']}/edit"
    assert 'name="render"' in editor.get(path).get_data(as_text=True)
    post(editor, path, _letter_form(render="y", save="Save"), form_page=path)
    with session_factory(app)() as session:
        assert session.scalar(select(Letter.options)) == {"render": True}
    assert 'checked id="render" name="render"' in editor.get(path).get_data(as_text=True)
    post(editor, path, _letter_form(save="Save"), form_page=path)
    with session_factory(app)() as session:
        assert session.scalar(select(Letter.options)) == {}


def test_tick_hands_rendered_letters_to_their_pool_and_does_not_wait(app: Flask) -> None:
    plain, rendered = (add_letter(app, f"https://example.org/{n}") for n in range(2))
    with session_factory(app)() as session, session.begin():
        session.execute(update(Letter).values(next_due_at=NOW - timedelta(seconds=1)))
        session.execute(update(Letter).where(Letter.id == rendered)
                        .values(options={"render": True}))
    release, polled = threading.Event(), []

    def poll(letter_id: int) -> None:
        if letter_id == rendered:
            release.wait(timeout=10)  # a slow render
        polled.append(letter_id)

    sessions = session_factory(app)
    renders = RenderQueue(sessions, poll, size=1)
    ticker = Ticker(sessions, poll, clock=lambda: NOW, renders=renders)
    assert ticker.tick() == 2
    assert polled == [plain] and renders.pending() == {rendered}
    renders.take([rendered])  # already pending: not queued twice
    release.set()
    renders.shutdown()
    assert polled == [plain, rendered] and renders.pending() == set()
