"""Server-rendered pages for readers: everything works with JavaScript off."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    get_template_attribute,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup
from sqlalchemy.orm import Session

from models import cache, overlap, reads
from models.base import utcnow
from models.db import get_session
from models.index import indexes_on_host
from models.letters import Letter, Snapshot
from models.signers import Person
from scrapers.index import url_key
from scrapers.wayback import capture_stamp, stamp_time
from web import charts
from web.params import (
    PER_PAGE_MAX,
    letter_or_404,
    requested_as_of,
    requested_facet,
    requested_int,
)

bp = Blueprint("pages", __name__)

INDEX_SORTS = {
    "title": lambda row: row.letter.title.lower(),
    "count": lambda row: row.count if row.count is not None else -1,
    "change": lambda row: row.change_24h if row.change_24h is not None else -1,
    "checked": lambda row: row.letter.last_polled_at or datetime.min.replace(tzinfo=UTC),
    "status": lambda row: row.status,
}
SIGNERS_PER_PAGE = 50


# ---------------------------------------------------------------- index

@bp.get("/")
def index():
    rows = reads.letter_rows(get_session(), utcnow())
    sort = request.args.get("sort", "")
    key = INDEX_SORTS.get(sort.lstrip("-"))
    if key is not None:
        rows.sort(key=key, reverse=sort.startswith("-"))
    return render_template("index.html", summaries=rows, sort=sort,
                           sparkline=charts.sparkline_path)


# ---------------------------------------------------------------- letter page

@dataclass(frozen=True)
class Citation:
    """What a reporter quotes: the number, when it was read, where from."""

    count: int | None
    observed_at: datetime
    as_of: datetime
    source_url: str
    archive_sha256: str | None
    more_pages: list[tuple[int, str]]  # (page number, sha256) of pages 2, 3, ...
    capture_url: str | None = None  # read from this Wayback Machine capture, not live
    captured_at: datetime | None = None
    partial: bool = False  # a later page of the list had no capture
    from_index: bool = False  # read from a site index's listing, not the letter's own page


def citation(session: Session, letter: Letter, snap: Snapshot | None,
             as_of: datetime | None) -> Citation | None:
    if snap is None:
        return None
    at = snap.last_confirmed_at if as_of is None else min(snap.last_confirmed_at, as_of)
    return Citation(reads.headline(snap), snap.observed_at, max(at, snap.observed_at),
                    snap.source_url or letter.url, snap.archive_sha256,
                    reads.page_archives(session, snap.id), snap.capture_url,
                    captured_at(snap.capture_url, snap.observed_at), bool(snap.partial),
                    from_index(session, letter, snap))


def from_index(session: Session, letter: Letter, snap: Snapshot) -> bool:
    """Whether the count was read from a site index's listing page: a page on an index's host
    that is not the letter's own (``url_key`` compares the two)."""
    source = snap.source_url
    if not source or snap.capture_url or url_key(source) == url_key(letter.url):
        return False
    return bool(indexes_on_host(session, (urlsplit(source).hostname or "").lower()))


def captured_at(capture_url: str | None, observed_at: datetime) -> datetime | None:
    """When the Wayback Machine took the capture: the time in its URL (else the reading's)."""
    if capture_url is None:
        return None
    stamp = capture_stamp(capture_url)
    return stamp_time(stamp) if stamp else observed_at


@dataclass(frozen=True)
class ChartView:
    """The downsampled ok series with what the page derives from it, its data tables' newest
    rows rendered."""

    points: list[Any]
    payload: dict[str, Any]
    rates: list[tuple[datetime, float]]
    payload_json: Markup
    growth_rows: Markup
    rate_rows: Markup


TABLE_ROWS = 200  # of each data table under the charts


SERIES_CACHE: dict[tuple[Any, ...], ChartView] = {}
SERIES_CACHE_MAX = 64


def chart_view(session: Session, letter_id: int, as_of: datetime | None,
               version: Hashable | None = None) -> ChartView:
    """The downsampled ok series with its uPlot payload and hourly rates, cached per process
    under ``version`` (``reads.series_version``, taken before: read here if not given).

    Keeping the payload and rates too spares each request thousands of short-lived tuples,
    which otherwise made a full garbage collection land on many letter pages."""
    if version is None:
        version = reads.series_version(session, letter_id)
    key = (letter_id, as_of, version)
    view = SERIES_CACHE.get(key) if version is not None else None
    if view is None:
        view = _chart_view(charts.downsample(reads.count_series(session, letter_id, as_of)))
        if version is not None:
            _remember(key, view)
    return view


def _chart_view(points: list[Any]) -> ChartView:
    rates = charts.hourly_rates(charts.headline_series(points))
    payload = charts.chart_payload(points)
    return ChartView(points, payload, rates, _macro("payload")(payload),
                     _macro("growth_rows")(points[-TABLE_ROWS:]),
                     _macro("rate_rows")(rates[-TABLE_ROWS:]))


def _macro(name: str) -> Any:
    return get_template_attribute("_series_rows.html", name)


def _remember(key: tuple[Any, ...], view: ChartView) -> None:
    if len(SERIES_CACHE) >= SERIES_CACHE_MAX:
        SERIES_CACHE.pop(next(iter(SERIES_CACHE)), None)
    SERIES_CACHE[key] = view


def letter_context(session: Session, letter: Letter, as_of: datetime | None,
                   version: Hashable | None = None) -> dict[str, Any]:
    """Everything the letter page shows, as it stood at ``as_of`` (default: now).

    ``version`` (``cache.data_version``, taken before the letter was read) lets the
    signer-wide counts come from the per-process cache; the series' own version keys what
    comes from the snapshots."""
    series = reads.series_version(session, letter.id)
    chart = chart_view(session, letter.id, as_of, series)
    current = reads.newest_snapshot(session, letter.id, as_of=as_of)
    keys = reads.facet_keys(session, letter.id, version=version) or list(reads.COMPOSITION_KEYS)
    return {
        "letter": letter, "as_of": as_of, "current": current,
        "citation": citation(session, letter, current, as_of),
        "chart_json": chart.payload_json, "points": chart.points, "rates": chart.rates,
        "growth_rows": chart.growth_rows, "rate_rows": chart.rate_rows, "table_rows": TABLE_ROWS,
        "held_back": reads.held_back(session, letter.id, as_of),
        "replacements": reads.list_replacements(session, letter.id, as_of, version=series),
        "compositions": [reads.composition(session, letter.id, k, as_of, version=version)
                         for k in keys],
        "recent_changes": cache.cached(version, ("recent_changes_html", letter.id, as_of),
                                       lambda: Markup(render_template(
                                           "_recent_changes.html",
                                           changes=reads.recent_changes(session, letter.id,
                                                                        as_of)))),
        "signer_preview": signer_preview(session, letter.id, as_of, version),
        "signer_count": reads.signer_count(session, letter.id, as_of, version=version),
        "common": cache.cached(version, ("common_letters", letter.id),
                               lambda: overlap.common_letters(session, letter.id)),
    }


@dataclass(frozen=True)
class SignerPreview:
    """The letter page's first signers, rendered, and how many signers there are."""

    html: Markup
    total: int


def signer_preview(session: Session, letter_id: int, as_of: datetime | None,
                   version: Hashable | None) -> SignerPreview:
    """Rendered once per letter data version (``version``): a signer table costs a query of
    facets and 50 rows of template on every request otherwise."""
    def render() -> SignerPreview:
        signers = reads.signers_page(session, letter_id, reads.SignerQuery(as_of=as_of), 1,
                                     SIGNERS_PER_PAGE, version=version)
        return SignerPreview(Markup(render_template("_signer_table.html", signers=signers)),
                             signers.total)
    return cache.cached(version, ("signer_preview_html", letter_id, as_of), render)


@bp.get("/letters/<slug>")
def letter_page(slug: str):
    version = cache.data_version(get_session())
    letter = letter_or_404(slug)
    context = letter_context(get_session(), letter, requested_as_of(), version)
    return render_template("letter.html", **context)


@bp.get("/letters/<slug>/signers")
def signers_page(slug: str):
    version = cache.data_version(get_session())
    letter = letter_or_404(slug)
    sort = request.args.get("sort", "position")
    query = reads.SignerQuery(
        search=request.args.get("q", "").strip(), facet=requested_facet(),
        sort=sort.lstrip("-"), descending=sort.startswith("-"), as_of=requested_as_of())
    page = reads.signers_page(get_session(), letter.id, query, requested_int("page", 1),
                              requested_int("per_page", SIGNERS_PER_PAGE, PER_PAGE_MAX),
                              version=version)
    facet_keys = reads.facet_keys(get_session(), letter.id, version=version)
    return render_template("signers.html", letter=letter, page=page, query=query, sort=sort,
                           facet_keys=facet_keys, page_url=_page_url(slug))


def _page_url(slug: str):
    """A function giving this page's URL with the current parameters and a new page number."""
    def url(page: int) -> str:
        args = {k: v for k, v in request.args.items() if k != "page" and v}
        return url_for("pages.signers_page", slug=slug, page=page, **args)
    return url


@bp.get("/people/<int:person_id>")
def person_page(person_id: int):
    person = get_session().get(Person, person_id)
    if person is None:
        abort(404)
    signatures = overlap.person_letters(get_session(), person_id)
    slugs = ",".join(dict.fromkeys(letter.slug for _sig, letter in signatures))
    return render_template("person.html", person=person, signatures=signatures, slugs=slugs)


# ---------------------------------------------------------------- embed, compare, feed, svg

@bp.get("/letters/<slug>/embed")
def embed(slug: str):
    letter = letter_or_404(slug)
    current = reads.newest_snapshot(get_session(), letter.id)
    response = Response(render_template("embed.html", letter=letter, current=current,
                                        count=reads.headline(current)))
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "object-src 'none'; base-uri 'none'; frame-ancestors *")
    response.headers["X-Signwatch-Embed"] = "1"
    return response


@bp.get("/compare")
def compare():
    session = get_session()
    slugs = [s for s in request.args.get("letters", "").split(",") if s.strip()][:8]
    letters = [reads.letter_by_slug(session, s.strip()) for s in slugs]
    found = [letter for letter in letters if letter is not None]
    curves = charts.aligned_curves({
        letter.slug: charts.headline_series(
            charts.downsample(reads.count_series(session, letter.id)))
        for letter in found})
    payload = {"curves": [{"slug": s, "title": _title(found, s), "points": p}
                          for s, p in curves.items()]}
    return render_template("compare.html", letters=found, curves=curves, chart=payload,
                           missing=[s for s, found_letter in zip(slugs, letters, strict=True)
                                    if found_letter is None],
                           all_letters=reads.tracked_letters(session))


def _title(letters: list[Letter], slug: str) -> str:
    return next(letter.title for letter in letters if letter.slug == slug)


@bp.get("/letters/<slug>/growth.svg")
def growth_svg(slug: str):
    letter = letter_or_404(slug)
    as_of = requested_as_of()
    points = charts.headline_series(
        charts.downsample(reads.count_series(get_session(), letter.id, as_of)))
    plot = charts.step_plot(points, 800, 300, pad=40)
    body = render_template("growth.svg", letter=letter, plot=plot, as_of=as_of)
    return Response(body, mimetype="image/svg+xml")


@bp.get("/letters/<slug>/feed.atom")
def feed(slug: str):
    letter = letter_or_404(slug)
    session = get_session()
    entries = feed_entries(session, letter)
    body = render_template("feed.atom.xml", letter=letter, entries=entries,
                           updated=entries[0].at if entries else letter.created_at)
    return Response(body, mimetype="application/atom+xml")


@dataclass(frozen=True)
class FeedEntry:
    at: datetime
    id: str
    title: str
    summary: str


def milestone_step(top: int) -> int:
    """1,000, or a power of ten times that, so that a letter has at most ~100 milestones."""
    step = 1000
    while top // step > 100:
        step *= 10
    return step


def milestones(points: list[tuple[datetime, int]]) -> list[FeedEntry]:
    """The first observation at or past each multiple of the milestone step."""
    if not points:
        return []
    step, entries, passed = milestone_step(max(c for _, c in points)), [], 0
    for at, count in points:
        while count >= (passed + 1) * step:
            passed += 1
            entries.append(FeedEntry(at, f"milestone-{passed * step}",
                                     f"Passed {passed * step:,} signatures",
                                     f"{count:,} signatures observed"))
    return entries


def feed_entries(session: Session, letter: Letter, limit: int = 50) -> list[FeedEntry]:
    """Signer batches, milestones and held-back changes, newest first."""
    entries = [FeedEntry(b.at, f"batch-{b.snapshot_id}",
                         f"{b.added:,} new signers" + (f", {b.removed:,} removed"
                                                       if b.removed else ""),
                         ", ".join(b.sample))
               for b in reads.event_batches(session, letter.id, limit)]
    entries += milestones(charts.headline_series(reads.count_series(session, letter.id)))
    entries += [FeedEntry(s.observed_at, f"suspect-{s.id}", "Suspect change held back",
                          s.suspect_reason or f"count {reads.headline(s)} not yet confirmed")
                for s in reads.held_back(session, letter.id, limit=limit)]
    return sorted(entries, key=lambda e: e.at, reverse=True)[:limit]


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
