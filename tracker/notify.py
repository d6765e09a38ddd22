"""Delivering queued alerts through Apprise, at most once each, behind the SSRF guard.

    AlertError
    ├── AlertURLError    not a usable notification URL, or its host is refused (not retried)
    └── AlertSendError   the service did not take the notification (retried with backoff)

A deliverer claims due outbox rows (models.alerts.claim_events) and commits the claim before
it sends, so a second deliverer, or this one restarted, never sends a row again; a claim left
by a deliverer that stopped mid-send is marked failed after its lease, not resent.

Notification URLs are secrets: shown only through ``mask_url``. Before a URL goes to Apprise,
the host it will connect to is resolved and checked like a letter's (scrapers.netguard), and
Apprise is told not to follow redirects. Services with a fixed public endpoint (Slack,
Discord, Telegram, ...) carry tokens where a host would be; only the schemes that name a
host of the user's choosing are checked.
"""

from __future__ import annotations

import functools
import logging
import secrets
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpcore
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from models.alerts import (
    AlertEvent,
    AlertSubscription,
    abandon_stale_claims,
    claim_events,
    record_attempt,
    release_claims,
)
from models.base import iso_utc, utcnow
from scrapers.errors import DisallowedURL
from scrapers.netguard import GuardedBackend, Resolver, system_resolver

URL_MAX = 2048
# Apprise schemes whose endpoint is the URL's own host (and its TLS twin).
SELF_HOSTED = frozenset({
    "json", "jsons", "xml", "xmls", "form", "forms", "ntfy", "ntfys", "matrix", "matrixs",
    "gotify", "gotifys", "apprise", "apprises", "mailto", "mailtos", "rocket", "rockets",
    "mmost", "mmosts", "nctalk", "nctalks", "ncloud", "nclouds", "rsyslog", "mqtt", "mqtts",
})
JSON_SCHEMES = frozenset({"json", "jsons"})
APPRISE_KEYS = frozenset({"version", "title", "message", "type", "attachments"})
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
MAX_RETRY = timedelta(hours=6)


class AlertError(Exception):
    """Base of alert delivery failures."""


class AlertURLError(AlertError, ValueError):
    """The notification URL cannot be used; the message says why (never the URL)."""


class AlertSendError(AlertError):
    """The notification service did not accept the alert."""


def mask_url(url: str) -> str:
    """A notification URL as it may be shown: ``json://hooks.exa…/***``."""
    scheme, sep, rest = url.strip().partition("://")
    if not sep or not scheme.isalnum():
        return "***"
    host = rest.split("/", 1)[0].split("?", 1)[0].rsplit("@", 1)[-1]
    shown = "".join(ch for ch in host[:9] if ch.isprintable())
    return f"{scheme.lower()}://{shown}{'…' if len(host) > 9 else ''}/***"


def checked_service(url: str, *, allow_private: bool,
                    resolver: Resolver = system_resolver) -> Any:
    """The Apprise service for ``url`` once its host passed the SSRF guard."""
    url = url.strip()
    if not url or len(url) > URL_MAX:
        raise AlertURLError(f"a notification URL is 1 to {URL_MAX} characters")
    if any(unicodedata.category(ch) in {"Cc", "Cf"} for ch in url):
        raise AlertURLError("the notification URL contains control or formatting characters")
    service = _apprise().Apprise.instantiate(url, asset=_asset())
    if service is None:
        raise AlertURLError("not a notification URL Apprise can use "
                            "(for example json://host/path, ntfys://topic, mailtos://...)")
    host = _endpoint_host(service) if _scheme(url) in SELF_HOSTED else None
    if host and not allow_private:
        port = service.port if isinstance(service.port, int) else 443
        guard = GuardedBackend(allow_private=False, resolver=resolver)
        try:
            guard.checked_addresses(host.strip("[]"), port)
        except (DisallowedURL, httpcore.ConnectError) as exc:  # refused, or no such host
            raise AlertURLError(f"refused: {exc}") from None
    return service


def _apprise() -> Any:
    # Imported on first use: it costs every `signwatch` command most of a second otherwise.
    import apprise

    return apprise


@functools.cache
def _asset() -> Any:
    return _apprise().AppriseAsset(http_redirects=False)


def _scheme(url: str) -> str:
    return url.strip().split("://", 1)[0].lower()


def _endpoint_host(service: Any) -> str | None:
    host = getattr(service, "smtp_host", None) or getattr(service, "host", None)
    if not isinstance(host, str) or not host:
        return None
    # ntfy://topic names the public ntfy.sh; only something shaped like a host is one.
    return host if ("." in host or ":" in host or host == "localhost") else None


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    payload: dict[str, Any]


def send(url: str, message: Message, *, allow_private: bool,
         resolver: Resolver = system_resolver) -> None:
    """Send one message; AlertURLError or AlertSendError when it did not go out."""
    service = checked_service(url, allow_private=allow_private, resolver=resolver)
    if _scheme(url) in JSON_SCHEMES:
        service.payload_extras.update(message.payload)
    apprise = _apprise()
    with apprise.LogCapture(level=logging.WARNING,
                            fmt="%(levelname)s - %(message)s") as captured:
        sent = service.notify(body=message.body, title=message.title,
                              body_format=apprise.NotifyFormat.TEXT)
    if not sent:
        detail = captured.getvalue().strip().replace(url, mask_url(url))
        raise AlertSendError(detail[-500:] or "the service did not accept the notification")


KIND_TITLES = {
    "milestone": "passed {milestone:,} signatures",
    "surge": "{added:,} new signers within {window}",
    "notable_signer": "notable signer: {names}",
    "notable_signer_removed": "notable signer removed: {names}",
    "suspect": "a change needs an editor ({reason})",
    "blocked": "polls are refused ({outcome}): the letter needs an editor",
    "test": "test alert",
}


def message_for(payload: dict[str, Any], public_url: str) -> Message:
    """Title, text and JSON body of one alert; the permalink made absolute."""
    body = dict(payload, permalink=public_url.rstrip("/") + payload["permalink"])
    names = ", ".join(body.get("signers") or [])
    window = f"{body.get('window_s', 0) // 60}m"
    fields = {"milestone": 0, "added": 0, "reason": "", "outcome": "", **body,
              "names": names[:300], "window": window}
    headline = KIND_TITLES.get(body["kind"], body["kind"]).format(**fields)
    title = f"{body['letter_title'][:150]}: {headline}"
    count = "-" if body.get("count") is None else f"{body['count']:,}"
    text = f"{title}\n{count} as of {body['as_of']}\n{body['permalink']}"
    clean = {key: value for key, value in body.items() if key not in APPRISE_KEYS}
    return Message(title=title, body=text, payload=clean)


def retry_at(attempts: int, now: datetime) -> datetime | None:
    """When attempt ``attempts + 1`` may run: doubling from a minute, up to six hours."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return now + min(FIRST_RETRY * 2 ** (attempts - 1), MAX_RETRY)


@dataclass
class DeliveryReport:
    delivered: int = 0
    failed: int = 0
    retrying: int = 0
    abandoned: int = 0

    def line(self) -> str:
        return (f"{self.delivered} delivered, {self.retrying} to retry, {self.failed} failed"
                + (f", {self.abandoned} abandoned mid-send" if self.abandoned else ""))


@dataclass
class Deliverer:
    """Sends due outbox rows; several may run at once, in threads or processes."""

    sessions: sessionmaker[Session]
    public_url: str = "http://127.0.0.1:5000"
    allow_private: bool = False
    batch: int = 50
    lease: timedelta = timedelta(minutes=10)
    clock: Callable[[], datetime] = utcnow
    resolver: Resolver = system_resolver
    sender: Callable[..., None] = field(default=send)

    def deliver_due(self) -> DeliveryReport:
        """Claim what is due, send each, record each attempt; until nothing is due."""
        report = DeliveryReport()
        while True:
            token = secrets.token_hex(16)
            with self.sessions() as session, session.begin():
                report.abandoned += abandon_stale_claims(session, now=self.clock(),
                                                         lease=self.lease)
                work = [(event.id, event.subscription.url, event.payload)
                        for event in claim_events(session, token=token, now=self.clock(),
                                                  limit=self.batch)]
            self._send_claimed(token, work, report)
            if len(work) < self.batch:
                return report

    def _send_claimed(self, token: str, work: list[tuple[int, str, dict[str, Any]]],
                      report: DeliveryReport) -> None:
        left = list(work)
        try:
            while left:
                self._send_one(token, *left[0], report)
                left.pop(0)
        except BaseException:
            # Stopped (Ctrl-C, SIGTERM, a crash): the claims not yet tried go back to the
            # outbox for the next deliverer; the one in flight may have gone out, so it stays.
            with self.sessions() as session, session.begin():
                release_claims(session, token=token, event_ids=[row[0] for row in left[1:]])
            raise

    def _send_one(self, token: str, event_id: int, url: str, payload: dict[str, Any],
                  report: DeliveryReport) -> None:
        started, timer = self.clock(), time.monotonic()
        error, retryable = None, False
        try:
            self.sender(url, message_for(payload, self.public_url),
                        allow_private=self.allow_private, resolver=self.resolver)
        except AlertURLError as exc:
            error = str(exc)
        except AlertSendError as exc:
            error, retryable = str(exc), True
        with self.sessions() as session, session.begin():
            event = session.get(AlertEvent, event_id)
            if event is None or event.claim_token != token:
                return  # the subscription was removed, or the claim abandoned meanwhile
            again = retry_at(event.attempts + 1, started) if retryable else None
            record_attempt(session, event, ok=error is None, error=error, at=started,
                           duration_ms=int((time.monotonic() - timer) * 1000), retry_at=again)
        _count(report, error, again)


def _count(report: DeliveryReport, error: str | None, again: datetime | None) -> None:
    if error is None:
        report.delivered += 1
    elif again is not None:
        report.retrying += 1
    else:
        report.failed += 1


def send_test(subscription: AlertSubscription, *, public_url: str, allow_private: bool,
              now: datetime, resolver: Resolver = system_resolver) -> None:
    """Send a test alert to the subscription now (not through the outbox)."""
    letter = subscription.letter
    slug = letter.slug if letter else "all-letters"
    payload = {"letter": slug, "letter_title": letter.title if letter else "Signwatch",
               "kind": "test", "count": None, "as_of": iso_utc(now),
               "permalink": f"/letters/{quote(slug, safe='')}" if letter else "/",
               "signers": []}
    send(subscription.url, message_for(payload, public_url), allow_private=allow_private,
         resolver=resolver)


def deliverer_for(app: Flask) -> Deliverer:
    """The app's Deliverer, from SIGNWATCH_PUBLIC_URL and SIGNWATCH_ALLOW_PRIVATE_URLS."""
    from models.db import session_factory

    return Deliverer(session_factory(app), public_url=public_url(app),
                     allow_private=bool(app.config["ALLOW_PRIVATE_URLS"]))


def public_url(app: Flask) -> str:
    """Where readers reach this Signwatch: alert permalinks start here."""
    return str(app.config.get("PUBLIC_URL") or "http://127.0.0.1:5000")
