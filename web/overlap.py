"""The overlap between letters: the page, its JSON API and its two CSV downloads (issue 18).

Every view reads ``?letters=a,b,c`` (slugs, comma-separated or repeated) and ``as_of``;
``pair=a,b`` picks the cell whose shared people are listed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Flask, Response, abort, jsonify, render_template, request, url_for
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from models import overlap, reads
from models.db import get_session
from models.letters import Letter
from web.api import _paginated, json_error
from web.exports import _csv_response, _record_lines
from web.filters import iso_utc
from web.params import PER_PAGE_MAX, requested_as_of, requested_int

bp = Blueprint("overlap", __name__)
SHARED_PER_PAGE = 50
PAIR_COLUMNS = ["letter_a", "letter_b", "title_a", "title_b", "signers_a", "signers_b",
                "shared", "only_a", "only_b", "share_of_a", "share_of_b", "as_of"]


def requested_letters(session: Session) -> tuple[list[Letter], list[str]]:
    """The tracked letters of ``?letters=`` in the order given (at most MAX_LETTERS), and
    the slugs not tracked; 400 beyond MAX_LETTERS."""
    slugs: list[str] = []
    for value in request.args.getlist("letters"):
        slugs += [s.strip() for s in value.split(",") if s.strip() and s.strip() not in slugs]
    if len(slugs) > overlap.MAX_LETTERS:
        abort(400, description=f"at most {overlap.MAX_LETTERS} letters at once")
    found = {s: reads.letter_by_slug(session, s) for s in slugs}
    return ([letter for letter in found.values() if letter is not None],
            [s for s, letter in found.items() if letter is None])


def requested_pair(letters: list[Letter]) -> tuple[Letter, Letter] | None:
    """``?pair=a,b`` among the letters asked for (400 otherwise); None when absent."""
    text = request.args.get("pair", "").strip()
    if not text:
        return None
    by_slug = {letter.slug: letter for letter in letters}
    picked = [by_slug.get(s.strip()) for s in text.split(",")]
    if len(picked) != 2 or None in picked or picked[0] is picked[1]:
        abort(400, description="pair must name two different letters of letters=")
    return picked[0], picked[1]  # type: ignore[return-value]


# ---------------------------------------------------------------- page

@bp.get("/overlap")
def overlap_page() -> str:
    session = get_session()
    letters, missing = requested_letters(session)
    as_of = requested_as_of()
    result = overlap.overlap(session, letters, as_of)
    pair = requested_pair(letters)
    shared = pair and overlap.shared_people(session, pair[0].id, pair[1].id, as_of,
                                            requested_int("page", 1), SHARED_PER_PAGE)
    return render_template(
        "overlap.html", result=result, letters=letters, missing=missing, as_of=as_of,
        pair=pair, shared=shared, all_letters=reads.tracked_letters(session),
        candidates=overlap.candidates(session, [letter.id for letter in letters]),
        venn=three_sets(result) if len(letters) == 3 else None,
        slugs=",".join(letter.slug for letter in letters))


# ---------------------------------------------------------------- API

def pair_json(result: overlap.Overlap, pair: overlap.Pair, slugs: dict[int, str]
              ) -> dict[str, Any]:
    return {"a": slugs[pair.a], "b": slugs[pair.b], "signers_a": pair.a_count,
            "signers_b": pair.b_count, "shared": pair.shared, "only_a": pair.only_a,
            "only_b": pair.only_b, "share_of_a": pair.share_of(pair.a),
            "share_of_b": pair.share_of(pair.b),
            "shared_url": url_for("overlap.api_shared", letters=",".join(
                (slugs[pair.a], slugs[pair.b])), _external=True)}


@bp.get("/api/v1/overlap")
def api_overlap() -> Response:
    session = get_session()
    letters, missing = requested_letters(session)
    if missing:
        abort(404, description=f"not tracked: {', '.join(missing)}")
    as_of = requested_as_of()
    result = overlap.overlap(session, letters, as_of)
    slugs = {letter.id: letter.slug for letter in letters}
    return jsonify(data={
        "as_of": iso_utc(as_of) or None,
        "letters": [{"slug": letter.slug, "title": letter.title,
                     "signers": result.totals.get(letter.id, 0)} for letter in letters],
        "pairs": [pair_json(result, pair, slugs) for pair in result.pairs()],
        "regions": [{"letters": [slugs[i] for i in ids], "signers": count}
                    for ids, count in result.regions],
    })


@bp.get("/api/v1/overlap/shared")
def api_shared() -> Response:
    session = get_session()
    letters, missing = requested_letters(session)
    if missing or len(letters) != 2:
        abort(404, description="letters must name two different tracked letters")
    page = overlap.shared_people(session, letters[0].id, letters[1].id, requested_as_of(),
                                 requested_int("page", 1),
                                 requested_int("per_page", 100, PER_PAGE_MAX))
    return _paginated([shared_json(item, letters) for item in page.items], page,
                      "overlap.api_shared")


def shared_json(item: overlap.SharedPerson, letters: list[Letter]) -> dict[str, Any]:
    return {"person_id": item.person.id, "name": item.person.display_name,
            "person_url": url_for("pages.person_page", person_id=item.person.id,
                                  _external=True),
            "signatures": {letter.slug: [signature_json(s)
                                         for s in item.signatures.get(letter.id, [])]
                           for letter in letters}}


def signature_json(signature: Any) -> dict[str, Any]:
    return {"name": signature.name, "raw": signature.raw, "role": signature.role,
            "affiliation": signature.affiliation,
            "first_seen_at": iso_utc(signature.first_seen_at)}


@bp.errorhandler(400)
@bp.errorhandler(404)
def api_error(exc: HTTPException) -> Any:
    """JSON errors under /api/, the usual pages elsewhere."""
    return json_error(exc) if request.path.startswith("/api/") else exc


# ---------------------------------------------------------------- Venn

VENN_CIRCLES = ((150, 130), (250, 130), (200, 215))
VENN_RADIUS = 95
# Where each exclusive region's count is written, by region mask (bit n: letter n).
VENN_LABELS = {1: (110, 105), 2: (290, 105), 4: (200, 265), 3: (200, 95), 5: (150, 195),
               6: (250, 195), 7: (200, 160)}


def three_sets(result: overlap.Overlap) -> dict[str, Any]:
    """The Venn diagram of three letters: circles, and each exclusive region's count."""
    ids = [letter.id for letter in result.letters]
    counts = {sum(1 << ids.index(i) for i in members): count
              for members, count in result.regions}
    return {"circles": [{"x": x, "y": y, "r": VENN_RADIUS, "letter": letter}
                        for (x, y), letter in zip(VENN_CIRCLES, result.letters, strict=True)],
            "labels": [{"x": x, "y": y, "count": counts.get(mask, 0)}
                       for mask, (x, y) in VENN_LABELS.items()]}


# ---------------------------------------------------------------- CSV

def pair_records(result: overlap.Overlap, as_of: datetime | None) -> list[dict[str, Any]]:
    """The rows of overlap.csv: one per pair of letters."""
    by_id = {letter.id: letter for letter in result.letters}
    return [{"letter_a": by_id[p.a].slug, "letter_b": by_id[p.b].slug,
             "title_a": by_id[p.a].title, "title_b": by_id[p.b].title,
             "signers_a": p.a_count, "signers_b": p.b_count, "shared": p.shared,
             "only_a": p.only_a, "only_b": p.only_b, "share_of_a": p.share_of(p.a),
             "share_of_b": p.share_of(p.b), "as_of": as_of} for p in result.pairs()]


@bp.get("/overlap.csv")
def overlap_csv() -> Response:
    session = get_session()
    letters, _missing = requested_letters(session)
    as_of = requested_as_of()
    records = pair_records(overlap.overlap(session, letters, as_of), as_of)
    return _csv_response("overlap.csv", _record_lines(PAIR_COLUMNS, lambda _s: iter(records)))


@bp.get("/shared.csv")
def shared_csv() -> Response:
    letters, _missing = requested_letters(get_session())
    as_of, ids = requested_as_of(), [letter.id for letter in letters]
    columns = ["person_id", "name", *(letter.slug for letter in letters)]
    slugs = {letter.id: letter.slug for letter in letters}

    def records(session: Session) -> Any:
        for person_id, name, dates in overlap.shared_rows(session, ids, as_of):
            yield {"person_id": person_id, "name": name,
                   **{slugs[letter_id]: at for letter_id, at in dates.items()}}

    return _csv_response("shared.csv", _record_lines(columns, records))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
