"""The CPU part of polls in worker processes, so that `signwatch poll` uses every core.

Parsing is pure (bytes in, ScrapeResult out), and so is reading a new list's signer lines
into facets (``tracker.enrichment.facet_cuts``). A ``ParsePool`` runs both in worker
processes; the polling process keeps the rest: fetching (the fetcher still gives each host one
request at a time, with its delay), the guard, the diff and every database write. Threads of
one process share the GIL, so 16 polling threads gained nothing on loopback
(bench/RESULTS.md, session 5); processes do (session 8).

Workers are forked from a fork server, a fresh single-threaded interpreter that imported the
parsers once, never from the threaded polling process itself.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import date
from typing import Any

from enrich.roles import RoleRules
from models.history import signer_row
from scrapers.base import ScrapeResult
from scrapers.detect import parse_page
from tracker.enrichment import FacetCut, facet_cuts

# Imported once by the fork server (the main module too, else every worker imports it
# again), so each worker starts with the parsers and their regexes ready.
_PRELOAD = ["__main__", "scrapers.adapters", "tracker.parsepool"]
_worker_rules: RoleRules | None = None


@dataclass(frozen=True)
class KnownFacets:
    """The machine facets of a parsed list's signers by position, as of ``day``."""

    day: date
    cuts: tuple[list[FacetCut], ...]


class ParsePool:
    """Worker processes that parse pages (and read a new list's facets) for polls."""

    def __init__(self, processes: int, rules: RoleRules | None):
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        self.rules = rules
        self._executor = ProcessPoolExecutor(processes, mp_context=context,
                                             initializer=_start_worker, initargs=(rules,))

    def reader(self, facets_day: date | None) -> PageReader:
        """A parse hook for one poll's pages; with ``facets_day``, facets are read too."""
        return PageReader(self, facets_day if self.rules is not None else None)

    def read(self, body: bytes, url: str, content_type: str | None, kind: str,
             options: Mapping[str, Any] | None, facets_day: date | None
             ) -> tuple[ScrapeResult, list[list[FacetCut]] | None]:
        """``read_page`` in a worker; in this process if the pool broke (a worker died)."""
        try:
            return self._executor.submit(read_page, body, url, content_type, kind, options,
                                         facets_day).result()
        except BrokenProcessPool:
            return parse_page(body, url, content_type, kind, options), None

    def close(self) -> None:
        self._executor.shutdown(cancel_futures=True)

    def __enter__(self) -> ParsePool:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class PageReader:
    """Reads the pages of one poll in the pool: the ``parse`` of ``scrapers.scrape.scrape``."""

    def __init__(self, pool: ParsePool, facets_day: date | None):
        self.pool, self.facets_day = pool, facets_day
        self.cuts: list[list[FacetCut]] | None = [] if facets_day is not None else None

    def __call__(self, body: bytes, url: str, content_type: str | None, kind: str,
                 options: Mapping[str, Any] | None) -> ScrapeResult:
        result, cuts = self.pool.read(body, url, content_type, kind, options, self.facets_day)
        if self.cuts is not None:
            self.cuts = None if cuts is None else self.cuts + cuts
        return result

    def known_facets(self, result: ScrapeResult | None) -> KnownFacets | None:
        """The facets of ``result``'s signers, if every page read gave them."""
        if (self.facets_day is None or self.cuts is None or result is None
                or len(self.cuts) != len(result.signers)):
            return None
        return KnownFacets(self.facets_day, tuple(self.cuts))


def _start_worker(rules: RoleRules | None) -> None:
    global _worker_rules
    _worker_rules = rules


def read_page(body: bytes, url: str, content_type: str | None, kind: str,
              options: Mapping[str, Any] | None, facets_day: date | None
              ) -> tuple[ScrapeResult, list[list[FacetCut]] | None]:
    """The page parsed and, with ``facets_day``, its signers' facets (a worker's task)."""
    result = parse_page(body, url, content_type, kind, options)
    if facets_day is None or _worker_rules is None:
        return result, None
    rows = (signer_row("", 0, 0, signer) for signer in result.signers)
    return result, facet_cuts(rows, _worker_rules, facets_day)
