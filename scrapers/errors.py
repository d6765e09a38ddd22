"""The one failure vocabulary of everything that touches the outside web.

    SignwatchScrapeError
    ├── FetchError                 the page could not be had
    │   ├── TransportError         connect/read failure or timeout after retries
    │   ├── EmptyBody              a 200 with no bytes at all
    │   ├── MissingCapture         the Wayback Machine has no capture of the URL at that time
    │   ├── HTTPStatusError        a final 4xx/5xx status (carries status_code)
    │   │   └── RateLimited        429/503 still refused after honouring Retry-After
    │   ├── Blocked                a bot wall or a 403 that names one
    │   ├── TooLarge               body over the size cap, or a decompression bomb
    │   ├── BadContentType         a content type no adapter can read
    │   ├── TooManyRedirects       more hops than allowed
    │   ├── DisallowedURL          scheme/port/address refused by the SSRF guard
    │   ├── RobotsDisallowed       robots.txt forbids the path for our user agent
    │   └── RenderError            the page could not be rendered in a browser (--render)
    │       ├── RenderUnavailable  no browser here: playwright missing, no Chromium executable
    │       └── RenderTimeout      the page's network did not go idle within the time cap
    └── ParseError                 the bytes arrived but could not be read
        ├── UnknownKind            no adapter of that name, or auto found none
        └── NoSignersFound         the adapter found neither a count nor a list

Each exception has an ``outcome`` string: the typed outcome stored in the poll log.
They are raised inside scrapers/ and caught at one boundary (tracker.poll, the preview
command), never logged in ``__init__``.
"""

from __future__ import annotations


class SignwatchScrapeError(Exception):
    """Base of every scraping failure; ``outcome`` names it in the poll log."""

    outcome = "error"

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class FetchError(SignwatchScrapeError):
    outcome = "fetch_error"


class TransportError(FetchError):
    outcome = "transport_error"


class EmptyBody(FetchError):
    """A 200 with no bytes: no page to read (an index with no rows, for the Wayback CDX)."""


class MissingCapture(FetchError):
    """The index lists a capture the archive cannot give (404, or another capture instead)."""

    outcome = "missing"


class HTTPStatusError(FetchError):
    outcome = "http_error"

    def __init__(self, message: str, *, url: str | None = None, status_code: int = 0) -> None:
        super().__init__(message, url=url)
        self.status_code = status_code


class RateLimited(HTTPStatusError):
    outcome = "rate_limited"

    def __init__(
        self,
        message: str,
        *,
        url: str | None = None,
        status_code: int = 429,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, url=url, status_code=status_code)
        self.retry_after = retry_after


class Blocked(FetchError):
    outcome = "blocked"

    def __init__(self, message: str, *, url: str | None = None, status_code: int = 403) -> None:
        super().__init__(message, url=url)
        self.status_code = status_code


class TooLarge(FetchError):
    outcome = "too_large"


class BadContentType(FetchError):
    outcome = "bad_content_type"


class TooManyRedirects(FetchError):
    outcome = "too_many_redirects"


class DisallowedURL(FetchError):
    outcome = "disallowed_url"


class RobotsDisallowed(FetchError):
    outcome = "robots_disallowed"


class RenderError(FetchError):
    outcome = "render_failed"


class RenderUnavailable(RenderError):
    outcome = "render_unavailable"


class RenderTimeout(RenderError):
    outcome = "render_timeout"


class ParseError(SignwatchScrapeError):
    outcome = "parse_error"


class UnknownKind(ParseError):
    outcome = "unknown_kind"


class NoSignersFound(ParseError):
    outcome = "no_signers"
