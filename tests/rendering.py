"""Pages that only a browser completes, served on loopback for the render tests."""

from __future__ import annotations

import json

from pytest_httpserver import HTTPServer

from scrapers.fetch import FetchSettings
from scrapers.render import RenderSettings

SIGNERS = [("Ada Lovelace", "Analytical Society"), ("Alan Turing", "Bletchley Park"),
           ("Grace Hopper", "US Navy"), ("Edsger Dijkstra", "Eindhoven"),
           ("Barbara Liskov", "MIT")]
STATED = 1140  # the count the data states: more than the list shows, as real letters do

# The OpenTF-style page: a counter reading 0 and an empty table until fetch() fills them.
FETCH_TABLE_PAGE = """<!DOCTYPE html>
<html><head><meta charset="windows-1252"><title>Open letter on river protection</title></head>
<body><h1>Open letter on river protection</h1>
<p class="counter"><span id="count">0</span> signatures</p>
<table id="signers"><thead><tr><th>Name</th><th>Affiliation</th></tr></thead><tbody></tbody>
</table>
<script>
fetch('signers.json').then(r => r.json()).then(data => {
  document.getElementById('count').textContent = data.total.toLocaleString('en-US');
  const body = document.querySelector('#signers tbody');
  for (const s of data.signers) {
    const row = body.insertRow();
    row.insertCell().textContent = s.name;
    row.insertCell().textContent = s.affiliation;
  }
});
</script></body></html>"""


def signers_json() -> str:
    return json.dumps({"total": STATED,
                       "signers": [{"name": n, "affiliation": a} for n, a in SIGNERS]})


def serve_letter(server: HTTPServer, page: str = FETCH_TABLE_PAGE, *, robots: str = "") -> str:
    """The fetch()-built letter and its signers.json on ``server``; returns the page URL."""
    if robots:
        server.expect_request("/robots.txt").respond_with_data(robots,
                                                               content_type="text/plain")
    else:
        server.expect_request("/robots.txt").respond_with_data("", status=404)
    server.expect_request("/letter/").respond_with_data(page, content_type="text/html")
    server.expect_request("/letter/signers.json").respond_with_data(
        signers_json(), content_type="application/json")
    return server.url_for("/letter/")


def loopback_settings(**changes: object) -> RenderSettings:
    """Render settings for pages on loopback: the page's host may be private, others not."""
    fetch = FetchSettings(allow_private=True, min_host_delay=0.0)
    return RenderSettings(**{"fetch": fetch, "timeout_s": 10.0, **changes})  # type: ignore[arg-type]


def requested_paths(server: HTTPServer) -> list[str]:
    return [request.path for request, _response in server.log]
