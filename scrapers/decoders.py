"""Response bodies decoded (identity, gzip, deflate, br) with a cap on the decoded size.

The fetcher streams raw chunks through ``decode_capped``, which stops as soon as the decoded
body passes its limit or inflates past a ratio, so a decompression bomb never sits in memory.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import brotli

from scrapers.errors import BadContentType, TooLarge, TransportError

INFLATE_STEP = 64 * 1024
RATIO_FLOOR = 1024 * 1024  # the ratio guard only judges bodies past this many bytes


class _Identity:
    def feed(self, data: bytes) -> Iterator[bytes]:
        yield data

    def flush(self) -> Iterator[bytes]:
        return iter(())


class _Zlib:
    """gzip or deflate, inflated at most INFLATE_STEP bytes at a time."""

    def __init__(self, encoding: str) -> None:
        self._raw_fallback = encoding == "deflate"
        wbits = zlib.MAX_WBITS if self._raw_fallback else zlib.MAX_WBITS | 16
        self._z = zlib.decompressobj(wbits)
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data:
            try:
                piece = self._z.decompress(data, INFLATE_STEP)
            except zlib.error:
                # "deflate" is often sent raw, without the zlib header; retry once that way.
                if not (self._raw_fallback and not self._started):
                    raise
                self._raw_fallback = False
                self._z = zlib.decompressobj(-zlib.MAX_WBITS)
                continue
            self._started = True
            data = self._z.unconsumed_tail
            yield piece

    def flush(self) -> Iterator[bytes]:
        yield self._z.flush()


class _Brotli:
    def __init__(self) -> None:
        self._b = brotli.Decompressor()
        self._bounded = hasattr(self._b, "can_accept_more_data")

    def feed(self, data: bytes) -> Iterator[bytes]:
        if not self._bounded:  # older brotli bindings cannot bound their output
            yield self._b.process(data)
            return
        piece = self._b.process(data, output_buffer_limit=INFLATE_STEP)
        yield piece
        # Output may still be pending even when more input would be accepted: drain it.
        while piece and not self._b.is_finished():
            piece = self._b.process(b"", output_buffer_limit=INFLATE_STEP)
            yield piece

    def flush(self) -> Iterator[bytes]:
        return iter(())


_DECODERS: Mapping[str, Callable[[], _Identity | _Zlib | _Brotli]] = {
    "": _Identity,
    "identity": _Identity,
    "gzip": lambda: _Zlib("gzip"),
    "x-gzip": lambda: _Zlib("gzip"),
    "deflate": lambda: _Zlib("deflate"),
    "br": _Brotli,
}


class _Full(Exception):
    """The capped body is full (truncating reads stop here)."""


@dataclass
class _CappedBody:
    limit: int
    max_ratio: float
    truncate: bool
    url: str
    data: bytearray = field(default_factory=bytearray)
    raw_count: int = 0

    def add(self, piece: bytes) -> None:
        self.data += piece
        if len(self.data) > self.limit:
            if self.truncate:
                del self.data[self.limit :]
                raise _Full
            raise TooLarge(f"body is over {self.limit} bytes (decompressed)", url=self.url)
        ratio_judged = len(self.data) > RATIO_FLOOR and self.raw_count > 0
        if ratio_judged and len(self.data) > self.max_ratio * self.raw_count:
            raise TooLarge(
                f"body inflates more than {self.max_ratio:g}:1 (a decompression bomb?)",
                url=self.url,
            )


def decode_capped(
    raw_chunks: Iterable[bytes],
    content_encoding: str | None,
    *,
    limit: int,
    url: str,
    max_ratio: float = 200.0,
    truncate: bool = False,
) -> bytes:
    """Decode a raw body stream, stopping as soon as the decoded size passes ``limit``.

    TooLarge past the limit or the compression ratio (or the first ``limit`` bytes when
    ``truncate``); BadContentType for an encoding we did not ask for; TransportError when
    the compressed bytes are corrupt.
    """
    encoding = (content_encoding or "").strip().lower()
    if encoding not in _DECODERS:
        raise BadContentType(f"unsupported Content-Encoding {encoding!r}", url=url)
    decoder = _DECODERS[encoding]()
    body = _CappedBody(limit=limit, max_ratio=max_ratio, truncate=truncate, url=url)
    try:
        for raw in raw_chunks:
            body.raw_count += len(raw)
            for piece in decoder.feed(raw):
                body.add(piece)
        for piece in decoder.flush():
            body.add(piece)
    except _Full:
        pass
    except (zlib.error, brotli.error) as exc:
        raise TransportError(f"corrupt {encoding} body: {exc}", url=url) from None
    return bytes(body.data)
