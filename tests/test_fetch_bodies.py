"""Pure pieces of the fetcher: capped decoding, text sniffing, Retry-After, bot walls."""

from __future__ import annotations

import gzip
import tracemalloc
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime

import brotli
import httpx
import pytest

from scrapers.decoders import decode_capped
from scrapers.errors import BadContentType, TooLarge, TransportError
from scrapers.fetch import (
    looks_like_bot_wall,
    looks_like_text,
    media_type,
    retry_after_seconds,
)

MB = 1024 * 1024
URL = "https://example.org/letter"


class CountingChunks:
    """Yields ``data`` in ``size``-byte pieces and counts how many were taken."""

    def __init__(self, data: bytes, size: int) -> None:
        self.data, self.size, self.taken = data, size, 0

    def __iter__(self) -> Iterator[bytes]:
        for start in range(0, len(self.data), self.size):
            self.taken += 1
            yield self.data[start : start + self.size]


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """Synthetic: 10 MB of zeros, gzipped (about 10 KB)."""
    return gzip.compress(bytes(10 * MB))


def test_decode_capped_stops_a_gzip_bomb_early(gzip_bomb: bytes) -> None:
    chunks = CountingChunks(gzip_bomb, 256)
    with pytest.raises(TooLarge, match=f"over {MB} bytes"):
        decode_capped(chunks, "gzip", limit=MB, url=URL, max_ratio=10_000)
    total = len(range(0, len(gzip_bomb), 256))
    assert total == 40
    assert chunks.taken <= 6  # about 1 MB of zeros needs about 1 KB of the bomb


@pytest.fixture(scope="module")
def brotli_bomb() -> bytes:
    """Synthetic: 10 MB of zeros, brotli-compressed (a few dozen bytes)."""
    return brotli.compress(bytes(10 * MB), quality=5)


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_decode_capped_bomb_in_one_chunk_never_holds_the_whole_inflation(
    encoding, request
) -> None:
    bomb = request.getfixturevalue("gzip_bomb" if encoding == "gzip" else "brotli_bomb")
    tracemalloc.start()
    try:
        with pytest.raises(TooLarge):
            decode_capped([bomb], encoding, limit=MB, url=URL, max_ratio=10_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 3 * MB  # 10 MB if it had inflated everything; the cap plus a few steps


def test_decode_capped_allows_a_body_exactly_at_the_cap(gzip_bomb) -> None:
    body = decode_capped([gzip_bomb], "gzip", limit=10 * MB, url=URL, max_ratio=10_000)
    assert len(body) == 10 * MB
    with pytest.raises(TooLarge):
        decode_capped([gzip_bomb], "gzip", limit=10 * MB - 1, url=URL, max_ratio=10_000)


def test_decode_capped_ratio_guard(gzip_bomb: bytes) -> None:
    with pytest.raises(TooLarge, match="inflates more than 200:1"):
        decode_capped([gzip_bomb], "gzip", limit=20 * MB, url=URL, max_ratio=200)


def test_decode_capped_truncates_when_asked() -> None:
    body = decode_capped([b"x" * 1000], "identity", limit=10, url=URL, truncate=True)
    assert body == b"x" * 10


@pytest.mark.parametrize(
    "encoding, pack",
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some servers send
        ("br", brotli.compress),
    ],
)
def test_decode_capped_round_trips(encoding, pack) -> None:
    original = b"<li>synthetic signer</li>\n" * 5000
    packed = pack(original)
    chunks = [packed[i : i + 1000] for i in range(0, len(packed), 1000)]
    assert decode_capped(chunks, encoding, limit=MB, url=URL) == original


def test_decode_capped_unknown_encoding_is_bad_content_type() -> None:
    with pytest.raises(BadContentType, match="zstd"):
        decode_capped([b"..."], "zstd", limit=MB, url=URL)


def test_decode_capped_corrupt_gzip_is_transport_error() -> None:
    with pytest.raises(TransportError, match="corrupt gzip") as caught:
        decode_capped([b"\x1f\x8bnot really gzip"], "gzip", limit=MB, url=URL)
    assert caught.value.url == URL


@pytest.mark.parametrize(
    "body, text",
    [
        (b"name,title\r\nA,B\r\n", True),
        ("Zoë, Université".encode(), True),
        ("Zoë".encode("latin-1"), True),
        ("é".encode() * 3000, True),
        (b"%PDF-1.7\n", False),
        (b"\x89PNG\r\n\x1a\n", False),
        (b"abc\x00def", False),
        (b"", False),
    ],
)
def test_looks_like_text(body: bytes, text: bool) -> None:
    assert looks_like_text(body) is text


def test_media_type() -> None:
    assert media_type("Text/HTML; charset=UTF-8") == "text/html"
    assert media_type(None) is None


NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "value, seconds",
    [
        ("7", 7.0),
        ("Sun, 01 Mar 2026 12:01:00 GMT", 60.0),
        ("Sun, 01 Mar 2026 11:00:00 GMT", 0.0),
        ("soon", None),
        (None, None),
    ],
)
def test_retry_after_seconds(value, seconds) -> None:
    assert retry_after_seconds(value, NOW) == seconds


@pytest.mark.parametrize(
    "body, headers, wall",
    [
        (b"<title>Attention Required! | Cloudflare</title>", {}, True),
        (b"<p>Please complete the CAPTCHA</p>", {}, True),
        (b"<H1>Access Denied</H1> Reference #18", {}, True),
        (b"", {"x-datadome": "protected"}, True),
        (b"<h1>Forbidden</h1><p>You don't have permission.</p>", {}, False),
    ],
)
def test_looks_like_bot_wall(body, headers, wall) -> None:
    assert looks_like_bot_wall(body, httpx.Headers(headers)) is wall
