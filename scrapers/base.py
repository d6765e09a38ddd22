"""What every adapter returns, and the registry that names adapters.

An adapter is pure: ``parse(body, url, options) -> ScrapeResult``. No I/O, no clock, no
database. ``sniff(body, url, content_type) -> float`` scores how likely the adapter reads the
page (0 = not at all, 1 = certainly); ``kind=auto`` takes the best.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Protocol

from scrapers.errors import UnknownKind


@dataclass(frozen=True, slots=True)
class Signer:
    """One signer as the page prints them; models.history.SignerRow stores these fields."""

    raw: str
    name: str
    affiliation: str | None = None
    role: str | None = None
    location: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from its fields: a parse sent from a worker process (tracker/parsepool.py)
        # unpickles ~2x faster than by the slots state (bench/RESULTS.md, session 8).
        return Signer, (self.raw, self.name, self.affiliation, self.role, self.location,
                        self.extra)

    def as_dict(self) -> dict[str, Any]:
        """Name and raw, then every other field the page printed (empty ones left out)."""
        out: dict[str, Any] = {"name": self.name, "raw": self.raw}
        for item in fields(self):
            value = getattr(self, item.name)
            if value and item.name not in out:
                out[item.name] = dict(value) if isinstance(value, Mapping) else value
        return out


@dataclass(frozen=True, slots=True)
class ScrapeResult:
    """A parsed page: the stated count (None when the page states none), the list, and more."""

    kind: str
    title: str | None
    reported_count: int | None
    signers: tuple[Signer, ...] = ()
    # True when the page states a lower bound ("more than 1,140 signatures").
    reported_count_at_least: bool = False
    has_list: bool = True
    next_page_url: str | None = None
    fingerprint: str | None = None
    breakdowns: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def listed_count(self) -> int:
        return len(self.signers)


class Adapter(Protocol):
    name: str

    def sniff(self, body: bytes, url: str, content_type: str | None) -> float: ...

    def parse(self, body: bytes, url: str, options: Mapping[str, Any]) -> ScrapeResult: ...


ADAPTERS: dict[str, Adapter] = {}


def register(adapter: Adapter) -> Adapter:
    """Add an adapter under its name; the last line of each adapter module calls this."""
    ADAPTERS[adapter.name] = adapter
    return adapter


def get_adapter(kind: str) -> Adapter:
    """The adapter registered as ``kind``; UnknownKind names the known ones otherwise."""
    _load_builtin_adapters()
    try:
        return ADAPTERS[kind]
    except KeyError:
        known = ", ".join(sorted(ADAPTERS)) or "none"
        raise UnknownKind(f"unknown kind {kind!r} (known: auto, {known})") from None


def known_kinds() -> list[str]:
    """Every registered adapter name, sorted."""
    _load_builtin_adapters()
    return sorted(ADAPTERS)


def _load_builtin_adapters() -> None:
    # Importing the package runs each adapter module's register() call once.
    import scrapers.adapters  # noqa: F401


ParseFn = Callable[[bytes, str, Mapping[str, Any]], ScrapeResult]
