"""The SSRF guard: which URLs and which addresses Signwatch may fetch.

Two checks, one policy:

- ``check_url`` is pure and cheap (form validation, every redirect hop): scheme http/https,
  no userinfo, bounded length, an allowed port, and IP-literal hosts checked at once.
- ``GuardedBackend`` runs at CONNECT time inside the one httpx client: it resolves the name
  itself, requires every address to be globally routable, and connects to the very address it
  checked, so a DNS answer that changes between check and connect (rebinding) cannot slip
  past. TLS still verifies against the hostname: httpcore passes the URL's host as SNI to
  ``start_tls`` on the stream we return.

``allow_private`` (SIGNWATCH_ALLOW_PRIVATE_URLS=1, read by the app) lifts the address and
port checks; scheme, userinfo and length checks stay.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import socket
import ssl
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import httpcore
import httpx

from scrapers.errors import DisallowedURL

if TYPE_CHECKING:
    from scrapers.fetch import FetchSettings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]

ALLOWED_SCHEMES = frozenset({"http", "https"})
MAX_URL_LENGTH = 2048

_NAT64_PREFIXES = (
    ipaddress.IPv6Network("64:ff9b::/96"),
    ipaddress.IPv6Network("64:ff9b:1::/48"),
)
_SHARED_ADDRESS_SPACE = ipaddress.IPv4Network("100.64.0.0/10")
_HOST_NAME = re.compile(r"[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?")


def is_public_address(address: IPAddress) -> bool:
    """True only for a globally routable unicast address, embedded IPv4 forms included."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return is_public_address(embedded)
    if address.is_multicast or address.is_unspecified or address.is_reserved:
        return False
    if address.is_loopback or address.is_link_local or address.is_private:
        return False
    if isinstance(address, ipaddress.IPv4Address) and address in _SHARED_ADDRESS_SPACE:
        return False
    return address.is_global


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    # IPv4-mapped, 6to4 and NAT64 addresses reach the IPv4 address they carry.
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if any(address in prefix for prefix in _NAT64_PREFIXES):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


# Every poll checks its letter's URL again; parsing it is most of the check. The answer
# depends on the string and the settings alone (httpx.URL is immutable; refusals, raised,
# are not cached).
@functools.lru_cache(maxsize=4096)
def check_url(url: str, settings: FetchSettings) -> httpx.URL:
    """The parsed URL if Signwatch may fetch it; DisallowedURL saying why otherwise."""
    if len(url) > MAX_URL_LENGTH:
        raise DisallowedURL(f"URL is {len(url)} characters long (limit {MAX_URL_LENGTH})", url=url)
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError) as exc:
        raise DisallowedURL(f"not a valid URL: {exc}", url=url) from None
    if parsed.scheme not in ALLOWED_SCHEMES:
        scheme = parsed.scheme or "none"
        raise DisallowedURL(f"scheme {scheme!r} refused: only http and https", url=url)
    if not parsed.host:
        raise DisallowedURL("URL has no host", url=url)
    if not _valid_host(parsed):
        raise DisallowedURL(f"host {parsed.host!r} is not a valid host name", url=url)
    if parsed.userinfo:
        raise DisallowedURL("URLs with a user name or password are refused", url=url)
    if not settings.allow_private:
        _check_public_port(parsed, settings.allowed_ports, url)
        _check_literal_host(parsed.host, url)
    return parsed


def _valid_host(parsed: httpx.URL) -> bool:
    host = parsed.raw_host.decode("ascii", errors="replace")  # IDNA-encoded already
    return literal_address(host) is not None or _HOST_NAME.fullmatch(host) is not None


def _check_public_port(parsed: httpx.URL, allowed_ports: Iterable[int], url: str) -> None:
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    if port not in allowed_ports:
        allowed = ", ".join(str(p) for p in sorted(allowed_ports))
        raise DisallowedURL(f"port {port} refused (allowed: {allowed})", url=url)


def _check_literal_host(host: str, url: str) -> None:
    if host == "localhost" or host.endswith(".localhost"):
        raise DisallowedURL(f"{host} is this machine, not a public site", url=url)
    address = literal_address(host)
    if address is not None and not is_public_address(address):
        raise DisallowedURL(f"address {address} is not a public internet address", url=url)


def literal_address(host: str) -> IPAddress | None:
    """The address a host string denotes by itself (incl. 127.1, 0x7f.0.0.1), or None."""
    host = host.rstrip(".")  # "192.168.0.1." is the same address to a resolver
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    # inet_aton accepts the short and hex IPv4 forms that resolvers also accept.
    if host and all(ch in "0123456789abcdefx." for ch in host.lower()):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for host, in its order, without duplicates."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class GuardedBackend(httpcore.NetworkBackend):
    """A network backend that connects only to checked, resolved addresses."""

    def __init__(
        self,
        *,
        allow_private: bool,
        resolver: Resolver = system_resolver,
        inner: httpcore.NetworkBackend | None = None,
    ) -> None:
        self.allow_private = allow_private
        self.resolver = resolver
        self.inner = inner or httpcore.SyncBackend()

    def checked_addresses(self, host: str, port: int) -> list[str]:
        """Resolve host once; DisallowedURL if any address is not public (unless allowed)."""
        try:
            addresses = self.resolver(host, port)
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        if not addresses:
            raise httpcore.ConnectError(f"cannot resolve {host}: no addresses")
        if not self.allow_private:
            for text in addresses:
                if not is_public_address(ipaddress.ip_address(text.split("%")[0])):
                    raise DisallowedURL(
                        f"{host} resolves to {text}, which is not a public internet address"
                    )
        return addresses

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        last_error: Exception | None = None
        for address in self.checked_addresses(host, port):
            try:
                return self.inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        assert last_error is not None
        raise last_error

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.NetworkStream:
        raise DisallowedURL("unix sockets are never fetched")

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


def guarded_transport(
    *,
    allow_private: bool,
    resolver: Resolver = system_resolver,
    verify: ssl.SSLContext | bool = True,
    limits: httpx.Limits | None = None,
) -> httpx.HTTPTransport:
    """An HTTP/1.1 transport whose every connection goes through GuardedBackend."""
    limits = limits or httpx.Limits(max_connections=20, max_keepalive_connections=10)
    ssl_context = httpx.create_ssl_context(verify=verify)
    transport = httpx.HTTPTransport(verify=ssl_context, http1=True, http2=False, limits=limits)
    # httpx builds its httpcore pool privately; swap in the same pool with our backend.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=ssl_context,
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        http1=True,
        http2=False,
        network_backend=GuardedBackend(allow_private=allow_private, resolver=resolver),
    )
    return transport
