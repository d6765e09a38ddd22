"""The read-only JSON API (/api/v1/...), its OpenAPI 3 document, and /metrics.

Lists are paginated with ``page`` and ``per_page`` and answer {"data", "meta", "links"} where
``links.next`` / ``links.prev`` are absolute URLs or null. Times are ISO 8601 UTC with a Z.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, jsonify, request, url_for
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from models import cache, export, reads
from models.base import utcnow
from models.db import get_session
from models.letters import Letter, Snapshot
from models.signers import Facet
from web.exports import composition_records, jsonable, snapshot_record
from web.filters import iso_utc
from web.pages import citation
from web.params import (
    PER_PAGE_MAX,
    letter_or_404,
    requested_as_of,
    requested_facet,
    requested_int,
)

bp = Blueprint("api", __name__, url_prefix="/api/v1")
metrics_bp = Blueprint("metrics", __name__)

PAGE_MAX = 1_000_000
DEFAULT_PER_PAGE = 100
DURATION_BUCKETS_MS = (100, 250, 500, 1000, 2500, 5000, 10000, 30000)


@bp.errorhandler(HTTPException)
def json_error(exc: HTTPException) -> tuple[Response, int]:
    return jsonify(error={"status": exc.code, "message": exc.description}), exc.code or 500


def _paging() -> tuple[int, int]:
    return (requested_int("page", 1, PAGE_MAX),
            requested_int("per_page", DEFAULT_PER_PAGE, PER_PAGE_MAX))


def _paginated(data: list[Any], page: reads.Page, endpoint: str, **values: Any) -> Response:
    args = {k: v for k, v in request.args.items() if k not in {"page"}}

    def link(number: int) -> str:
        return url_for(endpoint, **values, **{**args, "page": number}, _external=True)

    return jsonify(data=data, meta={"page": page.page, "per_page": page.per_page,
                                    "total": page.total, "pages": page.pages},
                   links={"self": link(page.page),
                          "next": link(page.page + 1) if page.has_next else None,
                          "prev": link(page.page - 1) if page.has_prev else None})


def letter_json(letter: Letter, row: reads.LetterRow | None = None) -> dict[str, Any]:
    """A letter with its current count, as the API and the live pages read it."""
    current = row.current if row else None
    return {
        "slug": letter.slug, "title": letter.title, "url": letter.url, "kind": letter.kind,
        "organizer": letter.organizer, "published_at": iso_utc(letter.published_at) or None,
        "count": reads.headline(current),
        "reported_count": current.reported_count if current else None,
        "reported_count_at_least": bool(current and current.reported_count_at_least),
        "listed_count": current.listed_count if current else None,
        "count_as_of": iso_utc(current.last_confirmed_at) if current else None,
        "change_24h": row.change_24h if row else None,
        "status": row.status if row else None,
        "last_polled_at": iso_utc(letter.last_polled_at) or None,
        "links": {"html": url_for("pages.letter_page", slug=letter.slug, _external=True),
                  "self": url_for("api.letter", slug=letter.slug, _external=True)},
    }


@bp.get("/letters")
def letters() -> Response:
    number, per_page = _paging()
    rows = reads.letter_rows(get_session(), utcnow())
    page = reads.Page(rows[(number - 1) * per_page:number * per_page], number, per_page,
                      len(rows))
    return _paginated([letter_json(r.letter, r) for r in page.items], page, "api.letters")


@bp.get("/letters/<slug>")
def letter(slug: str) -> Response:
    session = get_session()
    version = cache.data_version(session)
    found = letter_or_404(slug)
    as_of = requested_as_of()
    current = reads.newest_snapshot(session, found.id, as_of=as_of)
    newest = reads.newest_snapshot(session, found.id, statuses=None)
    row = reads.LetterRow(found, current, reads.headline(current),
                          reads.count_change(session, found.id, as_of or utcnow()), [],
                          reads.letter_status(found, newest))
    body = letter_json(found, row)
    body["signer_count"] = reads.signer_count(session, found.id, as_of, version=version)
    body["citation"] = _citation_json(session, found, current, as_of)
    return jsonify(data=body)


def _citation_json(session: Session, found: Letter, current: Snapshot | None,
                   as_of: Any) -> dict[str, Any] | None:
    cited = citation(session, found, current, as_of)
    if cited is None:
        return None
    archive = cited.archive_sha256 and url_for(
        "exports.archive_download", slug=found.slug, sha256=cited.archive_sha256, _external=True)
    more = [{"page": number, "sha256": sha, "url": url_for(
        "exports.archive_download", slug=found.slug, sha256=sha, _external=True)}
        for number, sha in cited.more_pages]
    return {"count": cited.count, "as_of": iso_utc(cited.as_of),
            "observed_at": iso_utc(cited.observed_at), "source_url": cited.source_url,
            "archive_sha256": cited.archive_sha256, "archive_url": archive or None,
            "capture_url": cited.capture_url,
            "archive_pages": more,
            "permalink": url_for("pages.letter_page", slug=found.slug,
                                 as_of=iso_utc(cited.as_of), _external=True)}


@bp.get("/letters/<slug>/snapshots")
def snapshots(slug: str) -> Response:
    found = letter_or_404(slug)
    number, per_page = _paging()
    status = request.args.get("status") or None
    page = reads.snapshots_page(get_session(), found.id, number, per_page, status)
    data = [jsonable(snapshot_record(s)) for s in page.items]
    return _paginated(data, page, "api.snapshots", slug=slug)


@bp.get("/letters/<slug>/signers")
def signers(slug: str) -> Response:
    version = cache.data_version(get_session())
    found = letter_or_404(slug)
    number, per_page = _paging()
    sort = request.args.get("sort", "position")
    query = reads.SignerQuery(search=_clean(request.args.get("q", "")),
                              facet=requested_facet(), sort=sort.lstrip("-"),
                              descending=sort.startswith("-"), as_of=requested_as_of())
    session = get_session()
    keys = reads.facet_keys(session, found.id, version=version)
    page = export.signer_cells_page(session, found.id, query, keys, number, per_page,
                                    version=version)
    facets = reads.signer_facets(session, [(row.id, row.person_id) for row in page.items])
    data = [_signer_json(export.signer_record(row, keys), facets.get(row.id, []))
            for row in page.items]
    return _paginated(data, page, "api.signers", slug=slug)


def _clean(text: str) -> str:
    """Search text without NUL characters (PostgreSQL refuses them in strings)."""
    return text.replace("\x00", "").strip()


def _signer_json(record: dict[str, Any], facets: list[Facet]) -> dict[str, Any]:
    record["facets"] = [{"key": f.key, "value": f.value, "source": f.source,
                         "source_detail": f.source_detail} for f in facets]
    return record


@bp.get("/letters/<slug>/composition")
def composition(slug: str) -> Response:
    version = cache.data_version(get_session())
    found = letter_or_404(slug)
    key = _clean(request.args.get("facet", "role_category")) or "role_category"
    as_of = requested_as_of()
    result = reads.composition(get_session(), found.id, key, as_of, version=version)
    return jsonify(data={
        "facet": result.key, "as_of": iso_utc(as_of) or None,
        "denominator": result.denominator, "known": result.known, "unknown": result.unknown,
        "values": [{"value": r["value"], "label": r["label"], "signers": r["signers"]}
                   for r in composition_records(result)[:-1]],
        "summary": list(result.sentences),
    })


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document(request.url_root.rstrip("/")))


# ---------------------------------------------------------------- /metrics

@metrics_bp.get("/metrics")
def metrics() -> Response:
    session = get_session()
    lines = _count_gauges(reads.letter_rows(session, utcnow()))
    lines += _outcome_counters(reads.poll_outcome_counts(session))
    lines += _duration_histogram(*reads.poll_duration_buckets(session, DURATION_BUCKETS_MS))
    return Response("\n".join(lines) + "\n", mimetype="text/plain; version=0.0.4")


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _count_gauges(rows: list[reads.LetterRow]) -> list[str]:
    lines = ["# HELP signwatch_letter_signatures Headline count of the newest ok snapshot.",
             "# TYPE signwatch_letter_signatures gauge"]
    lines += [f'signwatch_letter_signatures{{letter="{_label(r.letter.slug)}"}} {r.count}'
              for r in rows if r.count is not None]
    lines += ["# HELP signwatch_letter_consecutive_failures Failed polls in a row.",
              "# TYPE signwatch_letter_consecutive_failures gauge"]
    lines += [f'signwatch_letter_consecutive_failures{{letter="{_label(r.letter.slug)}"}} '
              f"{r.letter.consecutive_failures}" for r in rows]
    return lines


def _outcome_counters(counts: list[tuple[str, str, int]]) -> list[str]:
    lines = ["# HELP signwatch_polls_total Poll attempts in the kept poll log, by outcome.",
             "# TYPE signwatch_polls_total counter"]
    return lines + [f'signwatch_polls_total{{letter="{_label(slug)}",'
                    f'outcome="{_label(outcome)}"}} {n}' for slug, outcome, n in counts]


def _duration_histogram(cumulative: list[int], total: int, summed_ms: int) -> list[str]:
    lines = ["# HELP signwatch_poll_duration_seconds Poll durations in the kept poll log.",
             "# TYPE signwatch_poll_duration_seconds histogram"]
    for bound, count in zip(DURATION_BUCKETS_MS, cumulative, strict=True):
        lines.append(f'signwatch_poll_duration_seconds_bucket{{le="{bound / 1000:g}"}} {count}')
    lines.append(f'signwatch_poll_duration_seconds_bucket{{le="+Inf"}} {total}')
    lines.append(f"signwatch_poll_duration_seconds_sum {summed_ms / 1000:g}")
    lines.append(f"signwatch_poll_duration_seconds_count {total}")
    return lines


# ---------------------------------------------------------------- OpenAPI 3

def _nullable(kind: str) -> dict[str, Any]:
    return {"type": kind, "nullable": True}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}


SLUG_PARAM = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
PAGE_PARAMS = [
    _query("page", {"type": "integer", "minimum": 1, "maximum": PAGE_MAX}, "Page number."),
    _query("per_page", {"type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX},
           "Items per page."),
]
AS_OF_PARAM = _query("as_of", {"type": "string", "format": "date-time"},
                     "Show things as they stood at this ISO 8601 time.")
FACET_PARAM = _query("facet", {"type": "string"}, "key:value, e.g. role_category:judge.")
TIME = _nullable("string")
ERROR = {"type": "object", "required": ["error"], "properties": {"error": {
    "type": "object", "properties": {"status": {"type": "integer"},
                                     "message": {"type": "string"}}}}}
LINKS = {"type": "object", "required": ["self", "next", "prev"], "properties": {
    "self": {"type": "string"}, "next": _nullable("string"), "prev": _nullable("string")}}
META = {"type": "object", "required": ["page", "per_page", "total", "pages"],
        "properties": {k: {"type": "integer"} for k in ("page", "per_page", "total", "pages")}}
LETTER = {"type": "object", "required": ["slug", "title", "url", "count"], "properties": {
    "slug": {"type": "string"}, "title": {"type": "string"}, "url": {"type": "string"},
    "kind": {"type": "string"}, "organizer": _nullable("string"), "published_at": TIME,
    "count": _nullable("integer"), "reported_count": _nullable("integer"),
    "reported_count_at_least": {"type": "boolean"},
    "listed_count": _nullable("integer"), "count_as_of": TIME,
    "change_24h": _nullable("integer"), "status": _nullable("string"), "last_polled_at": TIME,
    "signer_count": {"type": "integer"}, "citation": {"type": "object", "nullable": True},
    "links": {"type": "object"}}}
SNAPSHOT = {"type": "object", "required": ["observed_at", "status"], "properties": {
    "observed_at": {"type": "string"}, "last_confirmed_at": {"type": "string"},
    "confirmations": {"type": "integer"}, "reported_count": _nullable("integer"),
    "reported_count_at_least": {"type": "boolean"},
    "listed_count": _nullable("integer"), "status": {"type": "string"},
    "suspect_reason": _nullable("string"), "source_url": _nullable("string"),
    "archive_sha256": _nullable("string"), "capture_url": _nullable("string"),
    "partial": {"type": "boolean"}}}
SIGNER = {"type": "object", "required": ["position", "name", "raw", "status", "facets"],
          "properties": {
              "position": {"type": "integer"}, "name": {"type": "string"},
              "raw": {"type": "string"}, "status": {"type": "string",
                                                    "enum": ["listed", "removed"]},
              "first_seen_at": {"type": "string"}, "removed_at": TIME,
              "person_id": _nullable("integer"), "facets": {"type": "array", "items": {
                  "type": "object", "required": ["key", "value", "source"]}}}}
COMPOSITION = {"type": "object", "required": ["facet", "denominator", "unknown", "values"],
               "properties": {
                   "facet": {"type": "string"}, "as_of": TIME,
                   "denominator": {"type": "integer"}, "known": {"type": "integer"},
                   "unknown": {"type": "integer"}, "values": {"type": "array", "items": {
                       "type": "object", "required": ["value", "label", "signers"],
                       "properties": {"value": {"type": "string"}, "label": {"type": "string"},
                                      "signers": {"type": "integer"}}}},
                   "summary": {"type": "array", "items": {"type": "string"}}}}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _listing(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": ["data", "meta", "links"], "properties": {
        "data": {"type": "array", "items": item}, "meta": META, "links": LINKS}}


def _operation(op_id: str, summary: str, params: list[dict[str, Any]],
               schema: dict[str, Any]) -> dict[str, Any]:
    return {"get": {"operationId": op_id, "summary": summary, "parameters": params,
                    "responses": {"200": _json(schema, "OK"),
                                  "400": _json(ERROR, "A malformed parameter"),
                                  "404": _json(ERROR, "No such letter")}}}


def _item(schema: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": ["data"], "properties": {"data": schema}}


LETTERS_PARAM = {"name": "letters", "in": "query", "required": True,
                 "schema": {"type": "string"}, "description": "Letter slugs, comma-separated."}
OVERLAP = {"type": "object", "required": ["letters", "pairs", "regions"], "properties": {
    "as_of": TIME, "letters": {"type": "array"}, "regions": {"type": "array"},
    "pairs": {"type": "array", "items": {"type": "object", "required": [
        "a", "b", "shared", "only_a", "only_b"]}}}}
SHARED = {"type": "object", "required": ["person_id", "name", "signatures"]}


def overlap_paths() -> dict[str, Any]:
    """The overlap routes (web/overlap.py)."""
    return {
        "/api/v1/overlap": _operation(
            "getOverlap", "People on both of each pair of letters (two or more)",
            [LETTERS_PARAM, AS_OF_PARAM], _item(OVERLAP)),
        "/api/v1/overlap/shared": _operation(
            "listShared", "The people on both of two letters, with their signatures",
            [LETTERS_PARAM, *PAGE_PARAMS, AS_OF_PARAM], _listing(SHARED)),
    }


def openapi_document(server: str) -> dict[str, Any]:
    """The OpenAPI 3 description of every /api/v1 route."""
    signer_params = [SLUG_PARAM, *PAGE_PARAMS, _query("q", {"type": "string"}, "Name search."),
                     FACET_PARAM, AS_OF_PARAM,
                     _query("sort", {"type": "string", "enum": [
                         "position", "name", "first_seen", "-position", "-name",
                         "-first_seen"]}, "Order.")]
    paths = {
        "/api/v1/letters": _operation("listLetters", "Tracked letters with current counts",
                                      PAGE_PARAMS, _listing(LETTER)),
        "/api/v1/letters/{slug}": _operation("getLetter", "One letter, its count and citation",
                                             [SLUG_PARAM, AS_OF_PARAM], _item(LETTER)),
        "/api/v1/letters/{slug}/snapshots": _operation(
            "listSnapshots", "The count's time series (one row per observed change)",
            [SLUG_PARAM, *PAGE_PARAMS, _query("status", {"type": "string", "enum": [
                "ok", "suspect", "rejected"]}, "Only snapshots with this status.")],
            _listing(SNAPSHOT)),
        "/api/v1/letters/{slug}/signers": _operation(
            "listSigners", "Signers with facets and their sources", signer_params,
            _listing(SIGNER)),
        "/api/v1/letters/{slug}/composition": _operation(
            "getComposition", "Signers by one facet, with denominator and unknowns",
            [SLUG_PARAM, _query("facet", {"type": "string"}, "Facet key, e.g. party."),
             AS_OF_PARAM], _item(COMPOSITION)),
        **overlap_paths(),
    }
    return {"openapi": "3.0.3",
            "info": {"title": "Signwatch API", "version": "1.0.0",
                     "description": "Read-only. Times are ISO 8601 UTC."},
            "servers": [{"url": server}], "paths": paths}


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(metrics_bp)
