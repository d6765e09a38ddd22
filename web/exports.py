"""CSV downloads (streamed), the archived page download, and ``signwatch export``'s files."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TextIO

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    request,
    stream_with_context,
)
from sqlalchemy.orm import Session

from models import cache, export, reads
from models.base import iso_utc
from models.db import get_session, session_factory
from models.history import archived_body
from models.letters import Snapshot
from web.csvsafe import csv_batches, csv_lines
from web.params import letter_or_404, requested_as_of, requested_facet

bp = Blueprint("exports", __name__)

SNAPSHOT_COLUMNS = ["observed_at", "last_confirmed_at", "confirmations", "reported_count",
                    "reported_count_at_least", "listed_count", "status", "suspect_reason",
                    "source_url", "archive_sha256", "capture_url", "partial"]


def snapshot_record(snap: Snapshot) -> dict[str, Any]:
    return {
        "observed_at": snap.observed_at, "last_confirmed_at": snap.last_confirmed_at,
        "confirmations": snap.confirmations, "reported_count": snap.reported_count,
        "reported_count_at_least": bool(snap.reported_count_at_least),
        "listed_count": snap.listed_count, "status": snap.status,
        "suspect_reason": snap.suspect_reason, "source_url": snap.source_url,
        "archive_sha256": snap.archive_sha256,
        "capture_url": snap.capture_url, "partial": bool(snap.partial),
    }


def signer_records(session: Session, letter_id: int,
                   query: reads.SignerQuery) -> Iterator[dict[str, Any]]:
    """Each signer as ``export.signer_record`` gives it, text as stored (for JSON)."""
    keys = reads.facet_keys(session, letter_id)
    for rows in export.iter_signer_cells(session, letter_id, query, keys,
                                         text_cell=export.as_stored):
        for row in rows:
            yield export.signer_record(row, keys)


def signer_cells(session: Session, letter_id: int, query: reads.SignerQuery,
                 keys: list[str]) -> Iterator[Sequence[Sequence[Any]]]:
    """Batches of CSV rows in ``export.signer_columns(keys)`` order, already formula-safe."""
    return export.iter_signer_cells(session, letter_id, query, keys)


def snapshot_records(session: Session, letter_id: int) -> Iterator[dict[str, Any]]:
    for snap in reads.iter_snapshots(session, letter_id):
        yield snapshot_record(snap)


CsvText = Callable[[Session, bool], Iterator[str]]


def _csv_response(filename: str, lines: CsvText) -> Response:
    """Stream ``lines(session, excel)`` as a CSV download on a session of its own, closed
    when done. The request's session is closed at teardown, before a streamed body is
    read; a body that reused it would reopen a transaction nobody closes."""
    excel = request.args.get("excel") in {"1", "true", "yes"}

    def generate() -> Iterator[str]:
        session = session_factory()()
        try:
            yield from lines(session, excel)
        finally:
            session.close()

    response = Response(stream_with_context(generate()), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _record_lines(columns: list[str], records: Callable[[Session], Iterator[dict[str, Any]]]
                  ) -> CsvText:
    return lambda session, excel: csv_lines(
        columns, ([record.get(c) for c in columns] for record in records(session)), excel=excel)


@bp.get("/letters/<slug>/signers.csv")
def signers_csv(slug: str) -> Response:
    version = cache.data_version(get_session())
    letter = letter_or_404(slug)
    query = reads.SignerQuery(search=request.args.get("q", "").strip(),
                              facet=requested_facet(), as_of=requested_as_of())
    keys = reads.facet_keys(get_session(), letter.id, version=version)
    letter_id, columns = letter.id, export.signer_columns(keys)
    return _csv_response(f"{letter.slug}-signers.csv", lambda session, excel: csv_batches(
        columns, signer_cells(session, letter_id, query, keys), excel=excel))


@bp.get("/letters/<slug>/snapshots.csv")
def snapshots_csv(slug: str) -> Response:
    letter = letter_or_404(slug)
    letter_id = letter.id
    return _csv_response(f"{letter.slug}-snapshots.csv", _record_lines(
        SNAPSHOT_COLUMNS, lambda session: snapshot_records(session, letter_id)))


@bp.get("/letters/<slug>/composition.csv")
def composition_csv(slug: str) -> Response:
    version = cache.data_version(get_session())
    letter = letter_or_404(slug)
    key = request.args.get("facet", "role_category")
    result = reads.composition(get_session(), letter.id, key, requested_as_of(), version=version)
    records = composition_records(result)
    return _csv_response(f"{letter.slug}-{key}.csv", _record_lines(
        ["facet", "value", "label", "signers", "denominator"], lambda _session: iter(records)))


def composition_records(result: reads.Composition) -> list[dict[str, Any]]:
    """Each value's count, then the unknowns, each over the same denominator."""
    rows = [{"facet": result.key, "value": value, "label": result.labels.get(value, value),
             "signers": count, "denominator": result.denominator}
            for value, count in result.counts]
    rows.append({"facet": result.key, "value": "(unknown)", "label": "unknown",
                 "signers": result.unknown, "denominator": result.denominator})
    return rows


@bp.get("/letters/<slug>/archive/<sha256>")
def archive_download(slug: str, sha256: str) -> Response:
    letter = letter_or_404(slug)
    archive = reads.letter_archive(get_session(), letter.id, sha256.lower())
    if archive is None:
        abort(404)
    response = Response(archived_body(archive), mimetype="application/octet-stream")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{letter.slug}-{archive.sha256[:12]}.html.bin"')
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


# ---------------------------------------------------------------- files (signwatch export)

def _write(out: TextIO, fmt: str, columns: list[str], records: Iterator[dict[str, Any]],
           excel: bool) -> int:
    written = 0
    if fmt == "json":
        out.write("[")
        for written, record in enumerate(records, start=1):
            out.write(("," if written > 1 else "") + "\n" + json.dumps(jsonable(record)))
        out.write("\n]\n")
        return written
    counted = _counting(records)
    for chunk in csv_lines(columns, ([r.get(c) for c in columns] for r in counted), excel=excel):
        out.write(chunk)
    return counted.count


class _counting:
    """Passes records (or batches of rows) through, counting the records (or rows)."""

    def __init__(self, records: Iterator[Any]) -> None:
        self.records, self.count = records, 0

    def __iter__(self) -> Iterator[Any]:
        for record in self.records:
            self.count += 1 if isinstance(record, dict) else len(record)
            yield record


def write_letter(session: Session, letter_id: int, out: TextIO, fmt: str, excel: bool,
                 what: str) -> int:
    """Write the letter's signers or snapshots; returns how many."""
    if what != "signers":
        return _write(out, fmt, SNAPSHOT_COLUMNS, snapshot_records(session, letter_id), excel)
    if fmt == "json":
        records = signer_records(session, letter_id, reads.SignerQuery())
        return _write(out, fmt, [], records, excel)
    keys = reads.facet_keys(session, letter_id)
    counted = _counting(signer_cells(session, letter_id, reads.SignerQuery(), keys))
    for chunk in csv_batches(export.signer_columns(keys), iter(counted), excel=excel):
        out.write(chunk)
    return counted.count


def jsonable(record: dict[str, Any]) -> dict[str, Any]:
    """``record`` with its times as ISO 8601 UTC text."""
    return {k: iso_utc(v) if hasattr(v, "astimezone") else v for k, v in record.items()}


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
