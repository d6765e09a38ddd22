"""The SSRF guard: the pure URL check and the connect-time address check."""

from __future__ import annotations

import ipaddress
import ssl
from collections.abc import Callable, Iterator

import httpcore
import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from scrapers.errors import DisallowedURL
from scrapers.fetch import FetchSettings, build_client
from scrapers.netguard import GuardedBackend, check_url, is_public_address

PUBLIC_TEST_ADDRESS = "93.184.215.14"  # example.com's address block; never dialled here


@pytest.fixture
def guarded() -> FetchSettings:
    """Production settings: the guard on."""
    return FetchSettings()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://192.168.0.1./",  # a trailing dot names the same address
        "http://[::1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://100.64.0.1/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://127.1/",
        "http://0x7f.0.0.1/",
        "http://localhost/",
        "http://[fe80::1]/",
        "http://[fc00::1]/",
        "http://224.0.0.1/",
        "ftp://example.org/",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "http://example.org:8080/",
        "http://user:secret@example.org/",
        "https://example.org/" + "a" * 3000,
    ],
)
def test_check_url_refuses(url: str, guarded: FetchSettings) -> None:
    with pytest.raises(DisallowedURL) as caught:
        check_url(url, guarded)
    assert caught.value.url == url
    assert str(caught.value)


def test_check_url_allows_a_public_https_url(guarded: FetchSettings) -> None:
    assert str(check_url("https://example.org/", guarded)) == "https://example.org/"


def test_check_url_parses_each_url_once_per_settings(guarded: FetchSettings) -> None:
    first = check_url("https://example.org/letter", guarded)
    assert check_url("https://example.org/letter", guarded) is first
    local = FetchSettings(allow_private=True)
    assert check_url("https://example.org/letter", local) is not first
    with pytest.raises(DisallowedURL):  # a refusal is not remembered as an answer
        check_url("http://127.0.0.1/", guarded)
    assert check_url("http://127.0.0.1/", local).host == "127.0.0.1"


def test_check_url_allow_private_lifts_address_and_port_but_not_scheme() -> None:
    local = FetchSettings(allow_private=True)
    assert check_url("http://127.0.0.1:8080/x", local).port == 8080
    with pytest.raises(DisallowedURL, match="scheme 'file'"):
        check_url("file:///etc/passwd", local)
    with pytest.raises(DisallowedURL, match="user name or password"):
        check_url("http://u:p@127.0.0.1/", local)


@pytest.mark.parametrize(
    "address, public",
    [
        ("93.184.215.14", True),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", True),
        ("::ffff:93.184.215.14", True),
        ("::ffff:10.0.0.1", False),
        ("2002:7f00:1::", False),  # 6to4 of 127.0.0.1
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 of 169.254.169.254
        ("100.127.255.254", False),
        ("ff0e::1", False),
        ("::", False),
        ("255.255.255.255", False),
    ],
)
def test_is_public_address(address: str, public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is public


def resolver_to(address: str):
    """A resolver that answers every name with one address (no DNS is asked)."""
    return lambda host, port: [address]


class RecordingBackend(httpcore.NetworkBackend):
    """Records where it was asked to connect; never opens a socket."""

    def __init__(self) -> None:
        self.dialled: list[tuple[str, int]] = []

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        self.dialled.append((host, port))
        return httpcore.NetworkStream()


def test_guarded_backend_refuses_a_name_resolving_to_loopback() -> None:
    inner = RecordingBackend()
    backend = GuardedBackend(allow_private=False, resolver=resolver_to("127.0.0.1"), inner=inner)
    with pytest.raises(DisallowedURL, match="public.example resolves to 127.0.0.1"):
        backend.connect_tcp("public.example", 443)
    assert inner.dialled == []


def test_guarded_backend_refuses_when_any_address_is_private() -> None:
    backend = GuardedBackend(
        allow_private=False,
        resolver=lambda host, port: [PUBLIC_TEST_ADDRESS, "10.0.0.7"],
        inner=RecordingBackend(),
    )
    with pytest.raises(DisallowedURL, match="10.0.0.7"):
        backend.connect_tcp("mixed.example", 80)


def test_guarded_backend_dials_the_address_it_checked() -> None:
    answers = iter([[PUBLIC_TEST_ADDRESS], ["127.0.0.1"]])  # a rebinding resolver
    inner = RecordingBackend()
    backend = GuardedBackend(
        allow_private=False, resolver=lambda host, port: next(answers), inner=inner
    )
    backend.connect_tcp("public.example", 443)
    assert inner.dialled == [(PUBLIC_TEST_ADDRESS, 443)]
    with pytest.raises(DisallowedURL):
        backend.connect_tcp("public.example", 443)
    assert inner.dialled == [(PUBLIC_TEST_ADDRESS, 443)]


def test_guarded_backend_allow_private_dials_loopback() -> None:
    inner = RecordingBackend()
    backend = GuardedBackend(allow_private=True, resolver=resolver_to("127.0.0.1"), inner=inner)
    backend.connect_tcp("public.example", 8080)
    assert inner.dialled == [("127.0.0.1", 8080)]


def test_build_client_guard_refuses_loopback_before_any_request(httpserver) -> None:
    httpserver.expect_request("/").respond_with_data("secret")
    settings = FetchSettings(allowed_ports=frozenset({httpserver.port}))
    with build_client(settings, resolver=resolver_to("127.0.0.1")) as client:
        with pytest.raises(DisallowedURL, match="not a public internet address"):
            client.get(f"http://public.example:{httpserver.port}/")
    assert httpserver.log == []


def test_build_client_connects_to_the_resolved_address(httpserver) -> None:
    # public.example exists only in this resolver: reaching the server proves we dialled it.
    httpserver.expect_request("/").respond_with_response(Response("hello", mimetype="text/plain"))
    settings = FetchSettings(allow_private=True)
    with build_client(settings, resolver=resolver_to("127.0.0.1")) as client:
        response = client.get(f"http://public.example:{httpserver.port}/")
    assert response.text == "hello"
    assert httpserver.log[0][0].headers["Host"] == f"public.example:{httpserver.port}"


@pytest.fixture
def tls_server_for() -> Iterator[Callable[[str], tuple[HTTPServer, ssl.SSLContext]]]:
    """Starts loopback HTTPS servers whose certificate names a given host; yields a factory."""
    trustme = pytest.importorskip("trustme")
    servers: list[HTTPServer] = []

    def start(cert_host: str) -> tuple[HTTPServer, ssl.SSLContext]:
        ca = trustme.CA()
        server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ca.issue_cert(cert_host).configure_cert(server_context)
        server = HTTPServer(ssl_context=server_context)
        server.expect_request("/").respond_with_data("over tls", content_type="text/plain")
        server.start()
        servers.append(server)
        client_context = ssl.create_default_context()
        ca.configure_trust(client_context)
        return server, client_context

    yield start
    for server in servers:
        server.stop()


def test_tls_verifies_the_hostname_while_dialling_the_checked_address(tls_server_for) -> None:
    server, trust = tls_server_for("public.example")
    settings = FetchSettings(allow_private=True)
    with build_client(settings, resolver=resolver_to("127.0.0.1"), verify=trust) as client:
        response = client.get(f"https://public.example:{server.port}/")
    assert response.text == "over tls"


def test_tls_refuses_a_certificate_for_another_name(tls_server_for) -> None:
    server, trust = tls_server_for("other.example")
    settings = FetchSettings(allow_private=True)
    with build_client(settings, resolver=resolver_to("127.0.0.1"), verify=trust) as client:
        with pytest.raises(httpx.ConnectError, match="(?i)hostname mismatch|doesn't match"):
            client.get(f"https://public.example:{server.port}/")
