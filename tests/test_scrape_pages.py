"""Paginated signer lists are followed to a bounded number of pages.

The pages are SYNTHETIC (built here): the real fixtures hold no paginated list."""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from scrapers.fetch import Fetcher, FetchSettings, build_client
from scrapers.scrape import scrape

NAMES = [["Ada Lovelace", "Alan Turing", "Grace Hopper"],
         ["Radia Perlman", "Barbara Liskov", "Frances Allen"],
         ["Edsger Dijkstra", "Margaret Hamilton", "Ken Thompson"]]


def page(n: int, next_path: str | None) -> str:
    link = f'<link rel="next" href="{next_path}">' if next_path else ""
    items = "".join(f"<li>{name}, Example University</li>" for name in NAMES[n])
    return (f"<html><head><title>Letter</title>{link}</head><body><h1>Letter</h1>"
            f"<p>Signed by 9 people.</p><ol>{items}</ol></body></html>")


@pytest.fixture
def fetcher() -> Fetcher:
    settings = FetchSettings(allow_private=True, min_host_delay=0.0, max_retries=0)
    return Fetcher(build_client(settings), settings, sleep=lambda _s: None)


def serve(httpserver: HTTPServer, pages: dict[str, str]) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    for path, html in pages.items():
        httpserver.expect_request(path).respond_with_data(html, content_type="text/html")


def test_scrape_follows_next_pages(httpserver, fetcher) -> None:
    serve(httpserver, {"/p1": page(0, "/p2"), "/p2": page(1, "/p3"), "/p3": page(2, None)})
    scraped = scrape(fetcher, httpserver.url_for("/p1"))
    assert scraped.pages == 3
    assert [s.name for s in scraped.result.signers] == sum(NAMES, [])
    assert scraped.result.reported_count == 9


def test_scrape_stops_at_max_pages(httpserver, fetcher) -> None:
    serve(httpserver, {"/p1": page(0, "/p2"), "/p2": page(1, "/p3"), "/p3": page(2, None)})
    scraped = scrape(fetcher, httpserver.url_for("/p1"), max_pages=2)
    assert (scraped.pages, scraped.result.listed_count) == (2, 6)


def test_scrape_stops_on_a_loop(httpserver, fetcher) -> None:
    serve(httpserver, {"/p1": page(0, "/p2"), "/p2": page(1, "/p1")})
    scraped = scrape(fetcher, httpserver.url_for("/p1"))
    assert (scraped.pages, scraped.result.listed_count) == (2, 6)
