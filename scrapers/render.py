"""A real browser, on request: a page rendered in headless Chromium, every request guarded.

The browser never reaches the network itself. Each request it makes is intercepted
(``route("**/*")``) and either refused or answered by Signwatch's own guarded clients:

- the page: fetched first by the caller's polite ``Fetcher`` (robots.txt, per-host delay, the
  SSRF guard on every hop and at connect time, the size cap), then handed to the browser;
- its subresources: GET only, and only scripts, XHR and ``fetch()`` (what builds a list),
  on any host; every hop (redirects are followed here, not by the browser) goes through
  ``check_url``, robots.txt and the connect-time guard. The page's own host may be private
  when SIGNWATCH_ALLOW_PRIVATE_URLS=1; every other host must be public
  (``RenderSettings.private_other_hosts`` lifts that, for tests on loopback only);
- refused: other methods (POST, beacons), frames, popups, navigations away from the page,
  images, stylesheets, fonts, media, non-http(s) schemes. Service workers are blocked,
  downloads refused, and a proxy that leads nowhere catches what interception cannot see
  (WebSockets), with WebRTC kept off UDP;
- caps: ``max_requests`` subresources (more are refused), ``max_total_bytes`` over every body
  (TooLarge), ``timeout_s`` for the browser's part (RenderTimeout when the network has not
  gone idle by then: a half-built list is never read).

The rendered DOM is serialised by Playwright in its own isolated world (the page's scripts
cannot patch what serialises it) as UTF-8 HTML, its charset declarations replaced by one that
says so, with content type ``RENDERED_CONTENT_TYPE``, archived like any body and parsed by
the normal adapters: parsing stays pure.

``Renderer`` is the pool: ``max_renders`` threads, each owning one Chromium (Playwright's
sync API belongs to the thread that started it), launched on first use and reused; each
render gets a fresh context, so no cookie, cache or storage outlives it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import queue
import re
import threading
import time
from collections.abc import Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from typing import Any

import httpx

from scrapers.decoders import decode_capped
from scrapers.detect import parse_page
from scrapers.errors import (
    DisallowedURL,
    RenderError,
    RenderTimeout,
    RenderUnavailable,
    RobotsDisallowed,
    SignwatchScrapeError,
    TooLarge,
    TooManyRedirects,
    TransportError,
)
from scrapers.fetch import (
    ACCEPTED_CONTENT_TYPES,
    REDIRECT_STATUSES,
    Fetcher,
    FetchResult,
    FetchSettings,
    build_client,
    media_type,
)
from scrapers.netguard import check_url
from scrapers.robots import robots_url
from scrapers.scrape import Scraped, parsed_or_empty

log = logging.getLogger("signwatch.render")
CHROMIUM_PATH = "/usr/bin/chromium"
BROWSER_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking")
# Whatever interception does not see (WebSockets, a stray preconnect) meets a proxy that is not
# there; "<-loopback>" sends loopback addresses through it too.
CONTAINMENT_ARGS = ("--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
                    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp")
RENDERED_CONTENT_TYPE = "text/html; charset=utf-8; rendered=chromium"
RENDERABLE_TYPES = frozenset({"text/html", "application/xhtml+xml"})
SUBRESOURCE_TYPES = frozenset({"script", "xhr", "fetch"})
SCRIPT_TYPES = frozenset({"application/javascript", "text/javascript", "application/ecmascript",
                          "text/ecmascript", "application/x-javascript"})
PASSED_HEADERS = ("content-type", "access-control-allow-origin",
                  "access-control-allow-credentials", "access-control-expose-headers")
# The DOM is serialised in UTF-8, so a charset the page declared is dropped and UTF-8 stated.
_META_CHARSET = re.compile(r"""<meta\b[^>]*\bcharset\s*=[^>]*>""", re.I)
_HEAD = re.compile(r"<head\b[^>]*>", re.I)


@dataclass(frozen=True)
class RenderSettings:
    """How pages are rendered; ``fetch`` is the fetcher's own settings."""

    fetch: FetchSettings = field(default_factory=FetchSettings)
    executable_path: str = CHROMIUM_PATH
    timeout_s: float = 15.0
    max_renders: int = 1
    max_requests: int = 200
    max_total_bytes: int = 20 * 1024 * 1024
    private_other_hosts: bool = False  # tests only: other loopback hosts stand for the web


def refusal(method: str, resource_type: str, url: str) -> str | None:
    """Why the browser may not make this subresource request; None: fetch it, guarded."""
    scheme = url.split(":", 1)[0].lower()
    if scheme not in ("http", "https"):
        return f"scheme {scheme!r} refused"
    if method != "GET":
        return f"{method} refused: a render only reads"
    if resource_type not in SUBRESOURCE_TYPES:
        return f"{resource_type} not loaded: only scripts, XHR and fetch() build a page"
    return None


@dataclass
class _Budget:
    """What one render may still spend."""

    deadline: float
    requests: int
    bytes: int
    failure: SignwatchScrapeError | None = None

    def seconds_left(self) -> float:
        return self.deadline - time.monotonic()


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: dict[str, str]
    body: bytes


class _Subresources:
    """A render's subresources through guarded clients, checked hop by hop and capped."""

    def __init__(self, settings: RenderSettings) -> None:
        own = replace(settings.fetch, min_host_delay=0.0, max_retries=0,
                      accepted_content_types=ACCEPTED_CONTENT_TYPES | SCRIPT_TYPES)
        other = replace(own, allow_private=settings.private_other_hosts)
        self._own = Fetcher(build_client(own), own)
        self._other = Fetcher(build_client(other), other)

    def close(self) -> None:
        self._own.client.close()
        self._other.client.close()

    def get(self, url: str, page_host: str, budget: _Budget) -> _Answer:
        """GET ``url`` as the page's subresource; redirects followed here, each hop checked."""
        for _ in range(self._own.settings.max_redirects + 1):
            fetcher = self._own if _host(url) == page_host else self._other
            self._check(fetcher, url)
            answer = self._send(fetcher, url, budget)
            if answer.status not in REDIRECT_STATUSES:
                return answer
            url = _location(url, answer)
        raise TooManyRedirects("too many redirects", url=url)

    def _check(self, fetcher: Fetcher, url: str) -> None:
        parsed = check_url(url, fetcher.settings)
        origin = f"{parsed.scheme}://{parsed.netloc.decode('ascii')}"
        if not fetcher.robots.policy_for(origin).allows(url, fetcher.settings.user_agent):
            raise RobotsDisallowed(f"{robots_url(origin)} disallows it", url=url)

    def _send(self, fetcher: Fetcher, url: str, budget: _Budget) -> _Answer:
        left = budget.seconds_left()
        if left <= 0:
            raise RenderTimeout("the render's time cap passed", url=url)
        client = fetcher.client
        try:
            response = client.send(client.build_request("GET", url, timeout=left), stream=True)
            try:
                body = decode_capped(response.iter_raw(), response.headers.get("content-encoding"),
                                     limit=budget.bytes, url=url)
            finally:
                response.close()
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
            raise TransportError(f"{type(exc).__name__}: {exc}", url=url) from None
        budget.bytes -= len(body)
        headers = {k: v for k in PASSED_HEADERS if (v := response.headers.get(k)) is not None}
        if response.status_code in REDIRECT_STATUSES:
            headers["location"] = response.headers.get("location", "")
        return _Answer(response.status_code, headers, body)


def _host(url: str) -> str:
    try:
        return httpx.URL(url).host.lower()
    except (httpx.InvalidURL, ValueError, TypeError):
        return ""


def _location(url: str, answer: _Answer) -> str:
    location = answer.headers.get("location", "").strip()
    try:
        return str(httpx.URL(url).join(location)) if location else ""
    except (httpx.InvalidURL, ValueError) as exc:
        raise DisallowedURL(f"redirect to an invalid URL {location!r}: {exc}", url=url) from None


class _Render:
    """One page in one fresh browser context: its route handler and its budget."""

    def __init__(self, first: FetchResult, settings: RenderSettings, net: _Subresources) -> None:
        self.first, self.settings, self.net = first, settings, net
        self.page_host = _host(first.final_url)
        self.page: Any = None
        self.served: str | None = None  # the page's URL as the browser asked for it
        self.budget = _Budget(time.monotonic() + settings.timeout_s, settings.max_requests,
                              settings.max_total_bytes - len(first.body))

    def route(self, route: Any) -> None:
        try:
            self._route(route)
        except Exception as exc:  # noqa: BLE001 - an unanswered request would hang the page
            self.budget.failure = self.budget.failure or RenderError(
                f"interception failed: {type(exc).__name__}: {exc}", url=route.request.url)
            route.abort("failed")

    def _route(self, route: Any) -> None:
        request = route.request
        if self._main_navigation(request):
            self._navigate(route)
            return
        reason = refusal(request.method, request.resource_type, request.url)
        if reason is None and self.budget.requests <= 0:
            reason = f"more than {self.settings.max_requests} requests"
        if reason is not None:
            self._refuse(route, reason)
            return
        self.budget.requests -= 1
        self._answer(route, request.url)

    def _main_navigation(self, request: Any) -> bool:
        if not request.is_navigation_request():
            return False
        try:
            return request.frame == self.page.main_frame
        except Exception:  # noqa: BLE001 - a popup's first request comes before its frame
            return False

    def _navigate(self, route: Any) -> None:
        if self.served is None:
            self.served = route.request.url
            route.fulfill(status=200, body=self.first.body,
                          headers={"content-type": self.first.content_type or "text/html"})
            return
        # A 204 keeps the page where it is; an aborted navigation would show an error page.
        self._note_refusal(route.request.url, "navigation away refused")
        route.fulfill(status=204, body=b"")

    def _answer(self, route: Any, url: str) -> None:
        try:
            answer = self.net.get(url, self.page_host, self.budget)
        except (TooLarge, RenderTimeout) as exc:
            self.budget.failure = self.budget.failure or exc
            self._refuse(route, str(exc))
        except SignwatchScrapeError as exc:
            self._refuse(route, f"{exc.outcome}: {exc}")
        else:
            route.fulfill(status=answer.status, headers=answer.headers, body=answer.body)

    def _refuse(self, route: Any, reason: str) -> None:
        self._note_refusal(route.request.url, reason)
        route.abort("blockedbyclient")

    def _note_refusal(self, url: str, reason: str) -> None:
        # Why a list did not load is in the log: the page's URL, the request, the rule.
        log.info("render of %s: refused %s: %s", self.first.final_url, url[:200], reason)


def as_utf8_html(html: str) -> str:
    """The serialised DOM with its charset declarations replaced by one saying UTF-8."""
    html = _META_CHARSET.sub("", html)
    head = _HEAD.search(html)
    at = head.end() if head else 0
    return html[:at] + '<meta charset="utf-8">' + html[at:]


def _render_in(browser: Any, render: _Render) -> str:
    """The serialised DOM of ``render``'s page once its network has gone idle."""
    from playwright.sync_api import Error, TimeoutError

    context = browser.new_context(service_workers="block", accept_downloads=False,
                                  user_agent=render.settings.fetch.user_agent)
    try:
        context.route("**/*", render.route)
        render.page = page = context.new_page()
        context.on("page", lambda other: other.close())  # popups
        url = render.first.final_url
        try:
            page.goto(url, wait_until="networkidle", timeout=render.settings.timeout_s * 1000)
            if render.budget.failure is not None:
                raise render.budget.failure
            if page.url != render.served:
                raise RenderError(f"the page ended at {page.url[:200]}", url=url)
            return as_utf8_html(page.content())
        except TimeoutError:
            raise RenderTimeout(f"the network did not go idle within "
                                f"{render.settings.timeout_s:g}s", url=url) from None
        except Error as exc:
            raise RenderError(f"Chromium: {str(exc).splitlines()[0]}", url=url) from None
    finally:
        context.close()


class _Chromium:
    """One thread's Playwright and Chromium, launched on first use, relaunched after a crash."""

    def __init__(self, executable_path: str) -> None:
        self.executable_path = executable_path
        self._playwright: Any = None
        self._browser: Any = None

    def browser(self) -> Any:
        if self._browser is not None and self._browser.is_connected():
            return self._browser
        self.close()
        path = self.executable_path
        if not os.access(path, os.X_OK):
            raise RenderUnavailable(f"no Chromium at {path} (apt-get install chromium, or set "
                                    "SIGNWATCH_CHROMIUM_PATH)")
        try:
            from playwright.sync_api import Error, sync_playwright
        except ImportError:
            raise RenderUnavailable("playwright is not installed (pip install playwright)"
                                    ) from None
        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(
                executable_path=path, args=[*BROWSER_ARGS, *CONTAINMENT_ARGS])
        except Error as exc:
            self.close()
            raise RenderUnavailable(f"Chromium at {path} did not start: "
                                    f"{str(exc).splitlines()[0]}") from None
        return self._browser

    def close(self) -> None:
        for closing in (self._browser, self._playwright):
            if closing is not None:
                try:
                    closing.close() if closing is self._browser else closing.stop()
                except Exception:  # noqa: BLE001 - a dead browser cannot be closed twice
                    pass
        self._browser = self._playwright = None


class Renderer:
    """Renders pages in at most ``settings.max_renders`` browsers at once; thread-safe."""

    def __init__(self, settings: RenderSettings | None = None) -> None:
        self.settings = settings or RenderSettings()
        self._jobs: queue.SimpleQueue[tuple[FetchResult, Future] | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def render(self, fetcher: Fetcher, url: str) -> FetchResult:
        """``url`` fetched politely, then rendered: the DOM as body (other types as fetched)."""
        first = fetcher.fetch(url)
        if media_type(first.content_type) not in RENDERABLE_TYPES:
            return first
        future: Future[FetchResult] = Future()
        self._start()
        self._jobs.put((first, future))
        return future.result()

    def close(self) -> None:
        """Stop the browsers (each thread closes its own)."""
        with self._lock:
            threads, self._threads = self._threads, []
        for _ in threads:
            self._jobs.put(None)
        for thread in threads:
            thread.join(timeout=30)

    def _start(self) -> None:
        with self._lock:
            while len(self._threads) < max(1, self.settings.max_renders):
                thread = threading.Thread(target=self._work, daemon=True,
                                          name=f"render-{len(self._threads) + 1}")
                thread.start()
                self._threads.append(thread)

    def _work(self) -> None:
        chromium, net = _Chromium(self.settings.executable_path), _Subresources(self.settings)
        try:
            while (job := self._jobs.get()) is not None:
                first, future = job
                try:
                    render = _Render(first, self.settings, net)
                    future.set_result(self._rendered(first, _render_in(chromium.browser(), render)))
                except Exception as exc:  # noqa: BLE001 - handed to the caller, typed or not
                    future.set_exception(exc)
        finally:
            chromium.close()
            net.close()

    def _rendered(self, first: FetchResult, html: str) -> FetchResult:
        body = html.encode("utf-8")
        if len(body) > self.settings.fetch.max_bytes:
            raise TooLarge(f"the rendered page is {len(body)} bytes", url=first.final_url)
        return replace(first, body=body, content_type=RENDERED_CONTENT_TYPE, etag=None,
                       last_modified=None, sha256=hashlib.sha256(body).hexdigest())


def scrape_rendered(renderer: Renderer, fetcher: Fetcher, url: str, *, kind: str = "auto",
                    options: Mapping[str, Any] | None = None,
                    last_sha256: str | None = None) -> Scraped:
    """Render ``url`` and parse what it shows like any page (one page: no ``rel=next``)."""
    page = renderer.render(fetcher, url)
    if last_sha256 is not None and page.sha256 == last_sha256:
        return Scraped(replace(page, unchanged=True, body=b""), None)
    result, empty_reason = parsed_or_empty(
        lambda: parse_page(page.body, page.final_url, page.content_type, kind, options), kind)
    return Scraped(page, result, empty_reason=empty_reason)


def preview_rendered(url: str, kind: str = "auto", options: Mapping[str, Any] | None = None,
                     settings: RenderSettings | None = None) -> Scraped:
    """Render and parse ``url`` once, storing nothing: ``signwatch preview --render``."""
    settings = settings or RenderSettings()
    renderer = Renderer(replace(settings, max_renders=1))
    try:
        with build_client(settings.fetch) as client:
            return scrape_rendered(renderer, Fetcher(client, settings.fetch), url, kind=kind,
                                   options=options)
    finally:
        renderer.close()
