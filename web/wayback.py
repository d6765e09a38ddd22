"""Admin: start a Wayback backfill of a letter in the background and watch its progress.

The job runs on a thread of its own (tracker.wayback.start_background) and writes its
progress to a backfill_job row after each capture, so the request that started it returns
at once and the page polls the row. A job whose process ended shows as interrupted; starting
again resumes after the captures already read.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from models import editing
from models.backfill import BackfillJob, latest_job
from models.base import iso_utc, utcnow
from models.db import get_session
from models.editing import EditError
from models.letters import Letter
from scrapers.wayback import bound_stamp
from tracker.wayback import Target, start_background
from web.admin import require_editor

bp = Blueprint("wayback_admin", __name__, url_prefix="/admin/letters/<int:letter_id>/wayback")
bp.before_request(require_editor)


@bp.post("")
def start(letter_id: int) -> Response:
    letter = _letter_or_404(letter_id)
    since, until = _stamp_field("from"), _stamp_field("to")
    target = Target(letter.id, letter.slug, letter.url, letter.kind, dict(letter.options or {}))
    get_session().rollback()  # the job writes on sessions of its own
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if start_background(app, target, since=since, until=until) is None:
        flash("A Wayback backfill of this letter is running already.", "error")
    else:
        flash(f"Wayback backfill of {letter.slug} started.")
    return redirect(url_for("wayback_admin.progress", letter_id=letter_id))


@bp.get("")
def progress(letter_id: int) -> str:
    letter = _letter_or_404(letter_id)
    job = latest_job(get_session(), letter_id)
    return render_template("admin/wayback.html", letter=letter, job=job_json(job))


@bp.get("/progress.json")
def progress_json(letter_id: int) -> Response:
    _letter_or_404(letter_id)
    return jsonify(job=job_json(latest_job(get_session(), letter_id)))


def job_json(job: BackfillJob | None) -> dict[str, Any] | None:
    """The job row as the page shows it; a running job whose process ended is interrupted."""
    if job is None:
        return None
    state = "interrupted" if job.stale(utcnow()) else job.state
    return {"id": job.id, "state": state, "total": job.total, "done": job.done,
            "recorded": job.recorded, "skipped": job.skipped, "message": job.message,
            "started_at": iso_utc(job.started_at), "updated_at": iso_utc(job.updated_at),
            "finished_at": iso_utc(job.finished_at)}


def _stamp_field(name: str) -> str | None:
    try:
        return bound_stamp(request.form.get(name))
    except ValueError as exc:
        abort(400, description=f"{name}: {exc}")


def _letter_or_404(letter_id: int) -> Letter:
    try:
        return editing.live_letter(get_session(), letter_id)
    except EditError:
        abort(404)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
