"""Editor pages under /admin/: letters, preview, reviews, site indexes, rosters, facets,
people, logs.

Every route here needs a signed-in editor (checked once, before each request of the
blueprint) and every POST a CSRF token (web.security). GETs only read. Each change goes
through models.editing, which writes an AuditLog row; the view owns the transaction.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from models import Letter, Person, RosterMatch, Signature, editing, overlap, queries
from models import index as site_index
from models.base import utcnow
from models.db import get_session
from models.editing import EditError
from tracker.enrichment import rules_for
from tracker.intervals import format_interval
from tracker.split import split_letter
from web.forms import (
    ActionForm,
    FacetForm,
    LetterForm,
    MergeForm,
    RosterImportForm,
    SplitForm,
)

bp = Blueprint("admin", __name__, url_prefix="/admin")
PREVIEW_SIGNERS = 20
INDEX_LOG_ROWS = 10


@bp.before_request
def require_editor() -> Any:
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    return None


def _editor_id() -> int:
    return int(current_user.get_id())


def _done(message: str, endpoint: str = "admin.index", **values: Any) -> Response:
    get_session().commit()
    flash(message)
    return redirect(url_for(endpoint, **values))


def _refused(message: str, endpoint: str = "admin.index", **values: Any) -> Response:
    get_session().rollback()
    flash(message, "error")
    return redirect(url_for(endpoint, **values))


# --- letters -------------------------------------------------------------------------------


@bp.get("/")
def index() -> str:
    session = get_session()
    letters = queries.tracked_letters(session)
    return render_template("admin/index.html", letters=letters, action=ActionForm(),
                           format_interval=format_interval,
                           replaced=queries.replaced_lists(session))


@bp.route("/letters/new", methods=["GET", "POST"])
def letter_new() -> Any:
    form = LetterForm()
    if not form.validate_on_submit():
        return _letter_page(form, None, None)
    if form.preview.data:
        return _letter_page(form, None, run_preview(form))
    try:
        letter = queries.add_letter(
            get_session(), url=form.url.data, title=form.title.data or None,
            kind=form.kind.data, poll_interval_s=form.interval_s, now=utcnow(),
            options=form.options(), organizer=form.organizer.data or None,
        )
    except queries.DuplicateLetter as exc:
        get_session().rollback()
        form.url.errors = [str(exc)]
        return _letter_page(form, None, None)
    editing.audit(get_session(), user_id=_editor_id(), action="letter.add", target=letter,
                  now=utcnow(), new={"url": letter.url, "kind": letter.kind})
    return _done(f"Tracking {letter.slug}; the first poll is due now.")


@bp.route("/letters/<int:letter_id>/edit", methods=["GET", "POST"])
def letter_edit(letter_id: int) -> Any:
    letter = _letter_or_404(letter_id)
    form = LetterForm(data=_letter_data(letter))
    if not form.validate_on_submit():
        return _letter_page(form, letter, None)
    if form.preview.data:
        return _letter_page(form, letter, run_preview(form))
    changes = {"url": form.url.data, "title": form.title.data or letter.title,
               "kind": form.kind.data, "poll_interval_s": form.interval_s,
               "options": {**_other_options(letter), **form.options()},
               "organizer": form.organizer.data or None}
    editing.update_letter(get_session(), letter, changes, user_id=_editor_id(), now=utcnow())
    return _done(f"Saved {letter.slug}.")


def _letter_data(letter: Letter) -> dict[str, Any]:
    options = letter.options or {}
    return {"url": letter.url, "kind": letter.kind, "title": letter.title,
            "interval": format_interval(letter.poll_interval_s),
            "selector": options.get("selector", ""),
            "count_selector": options.get("count_selector", ""),
            "render": bool(options.get("render")),
            "organizer": letter.organizer or ""}


def _other_options(letter: Letter) -> dict[str, Any]:
    return {k: v for k, v in (letter.options or {}).items()
            if k not in {"selector", "count_selector", "render"}}


def _letter_page(form: LetterForm, letter: Letter | None, preview: dict[str, Any] | None):
    status = 422 if form.errors else 200
    return render_template("admin/letter_form.html", form=form, letter=letter,
                           preview=preview), status


def _letter_or_404(letter_id: int) -> Letter:
    try:
        return editing.live_letter(get_session(), letter_id)
    except EditError:
        abort(404)


def run_preview(form: LetterForm) -> dict[str, Any]:
    """What the page yields with the form's kind and selectors, or why it cannot be read."""
    try:
        from scrapers.errors import SignwatchScrapeError
        from scrapers.preview import preview_document, preview_url
        from scrapers.render import preview_rendered
        from tracker.runtime import render_settings
    except ImportError:
        return {"error": "preview unavailable in this version"}
    try:
        scraped = (preview_rendered(form.url.data, form.kind.data, form.options(),
                                    render_settings(current_app)) if form.render.data
                   else preview_url(form.url.data, form.kind.data, form.options(),
                                    _fetch_settings()))
    except SignwatchScrapeError as exc:
        return {"error": f"{exc.outcome}: {exc}"}
    return preview_document(scraped, first=PREVIEW_SIGNERS)


def _fetch_settings() -> Any:
    try:
        from tracker.runtime import fetch_settings
    except ImportError:
        from scrapers.fetch import FetchSettings

        return FetchSettings(allow_private=bool(current_app.config["ALLOW_PRIVATE_URLS"]))
    return fetch_settings(current_app)


@bp.post("/letters/<int:letter_id>/<any(pause, resume):change>")
def letter_active(letter_id: int, change: str) -> Response:
    letter = _letter_or_404(letter_id)
    _require_valid(ActionForm())
    editing.set_letter_active(get_session(), letter, change == "resume",
                              user_id=_editor_id(), now=utcnow())
    return _done(f"{'Resumed' if change == 'resume' else 'Paused'} {letter.slug}.")


@bp.post("/letters/<int:letter_id>/poll")
def letter_poll(letter_id: int) -> Response:
    letter = _letter_or_404(letter_id)
    _require_valid(ActionForm())
    poll_now = _poll_function()
    if poll_now is None:
        editing.queue_poll(get_session(), letter, user_id=_editor_id(), now=utcnow())
        return _done(f"Poll of {letter.slug} queued: the scheduler picks it up on its next tick.")
    get_session().commit()
    result = poll_now(current_app._get_current_object(), letter.id)  # type: ignore[attr-defined]
    flash(getattr(result, "line", lambda: f"polled {letter.slug}")())
    return redirect(url_for("admin.index"))


def _poll_function() -> Any:
    try:
        from tracker.runtime import poll_letter_by_id
    except ImportError:
        return None
    return poll_letter_by_id


@bp.post("/letters/<int:letter_id>/delete")
def letter_delete(letter_id: int) -> Response:
    letter = _letter_or_404(letter_id)
    _require_valid(ActionForm())
    editing.soft_delete_letter(get_session(), letter, user_id=_editor_id(), now=utcnow())
    return _done(f"Deleted {letter.slug}; its history is kept.")


def _require_valid(form: Any) -> None:
    # CSRFProtect has checked the token already; this keeps the form's own checks honest.
    if not form.validate_on_submit():
        abort(400)


# --- review: polls, suspect snapshots ------------------------------------------------------


@bp.get("/polls")
def polls() -> str:
    session = get_session()
    logs = editing.recent_poll_logs(session)
    return render_template("admin/polls.html", logs=logs, letters=_letters_by_id(logs))


@bp.get("/indexes")
def indexes() -> str:
    """Each site index with its newest poll-log entries (read-only: the CLI changes them)."""
    session = get_session()
    rows = [(index, site_index.latest_index_logs(session, index.id, limit=INDEX_LOG_ROWS))
            for index in site_index.site_indexes(session)]
    return render_template("admin/indexes.html", rows=rows, format_interval=format_interval)


@bp.get("/snapshots")
def snapshots() -> str:
    session = get_session()
    suspects = editing.suspect_snapshots(session)
    return render_template("admin/snapshots.html", snapshots=suspects,
                           letters=_letters_by_id(suspects), action=ActionForm())


def _letters_by_id(rows: Any) -> dict[int, Letter]:
    ids = {row.letter_id for row in rows}
    letters = get_session().scalars(select(Letter).where(Letter.id.in_(ids)))
    return {letter.id: letter for letter in letters}


@bp.post("/snapshots/<int:snapshot_id>/<any(confirm, reject):decision>")
def snapshot_decide(snapshot_id: int, decision: str) -> Response:
    from tracker.poll import confirm_suspect

    _require_valid(ActionForm())
    session = get_session()
    if decision == "confirm" and _superseded(session, snapshot_id):
        return _refused(f"snapshot #{snapshot_id} is older than the letter's newest trusted "
                        "snapshot: reject it instead", "admin.snapshots")
    try:
        snapshot = editing.decide_snapshot(session, snapshot_id, decision == "confirm",
                                           user_id=_editor_id(), now=utcnow())
        if snapshot.trusted:
            confirm_suspect(session, snapshot, rules_for(current_app.config))
    except EditError as exc:
        return _refused(str(exc), "admin.snapshots")
    return _done(f"Snapshot #{snapshot_id} {decision}ed.", "admin.snapshots")


@bp.post("/snapshots/<int:snapshot_id>/split")
def snapshot_split(snapshot_id: int) -> Response:
    """The different list a snapshot began becomes a letter of its own (tracker.split)."""
    from tracker.runtime import get_poller

    _require_valid(ActionForm())
    get_session().commit()
    try:
        outcome = split_letter(get_poller(current_app._get_current_object()),  # type: ignore[attr-defined]
                               snapshot_id, user_id=_editor_id(), now=utcnow())
    except EditError as exc:
        return _refused(str(exc))
    return _done(outcome.line())


def _superseded(session: Any, snapshot_id: int) -> bool:
    from models.letters import Snapshot
    from models.queries import newest_snapshot

    snapshot = session.get(Snapshot, snapshot_id)
    if snapshot is None:
        return False
    trusted = newest_snapshot(session, snapshot.letter_id)
    return trusted is not None and trusted.observed_at > snapshot.observed_at


# --- rosters and matches -------------------------------------------------------------------


@bp.route("/rosters", methods=["GET", "POST"])
def rosters() -> Any:
    form = RosterImportForm()
    if form.validate_on_submit():
        error = import_roster_upload(form)
        if error is None:
            return redirect(url_for("admin.rosters"))
        form.file.errors = [error]
    status = 422 if form.errors else 200
    return render_template("admin/rosters.html", form=form,
                           rosters=editing.all_rosters(get_session())), status


def import_roster_upload(form: RosterImportForm) -> str | None:
    """Import the uploaded roster and match it (tracker.rosters); the error, or None."""
    from enrich.roster import RosterError
    from tracker.rosters import import_roster

    upload = form.file.data
    session = get_session()
    try:
        report = import_roster(session, name=form.name.data.strip(), data=upload.read(),
                               filename=(upload.filename or "")[:500], now=utcnow())
    except RosterError as exc:
        session.rollback()
        return f"Nothing imported: {exc}"
    session.commit()
    flash(report.line())
    return None


@bp.get("/matches")
def matches() -> str:
    session = get_session()
    rows = editing.match_rows(session, editing.pending_matches(session))
    pairs = editing.pair_rows(session, overlap.candidate_pairs(session))
    return render_template("admin/matches.html", rows=rows, pairs=pairs, action=ActionForm())


@bp.post("/matches/<int:match_id>/<any(confirm, reject):decision>")
def match_decide(match_id: int, decision: str) -> Response:
    from tracker.rosters import decide_match

    _require_valid(ActionForm())
    match = get_session().get(RosterMatch, match_id)
    if match is None or match.status != "pending":
        return _refused(f"roster match #{match_id} is not waiting for review", "admin.matches")
    decide_match(get_session(), match_id, accept=decision == "confirm",
                 user_id=_editor_id(), now=utcnow())
    return _done(f"Match #{match_id} {decision}ed.", "admin.matches")


@bp.post("/matches/people/<int:person_id>/<int:other_id>/<any(confirm, reject):decision>")
def pair_decide(person_id: int, other_id: int, decision: str) -> Response:
    """A "possibly the same person" pair: confirm merges them, reject tells them apart."""
    _require_valid(ActionForm())
    decide = editing.confirm_pair if decision == "confirm" else editing.reject_pair
    try:
        decide(get_session(), person_id, other_id, user_id=_editor_id(), now=utcnow())
    except EditError as exc:
        return _refused(str(exc), "admin.matches")
    said = "one person: merged" if decision == "confirm" else "different people"
    return _done(f"People #{person_id} and #{other_id}: {said}.", "admin.matches")


# --- facets and people ---------------------------------------------------------------------


@bp.route("/signatures/<int:signature_id>", methods=["GET", "POST"])
def signature(signature_id: int) -> Any:
    session = get_session()
    sig = session.get(Signature, signature_id) or abort(404)
    form = FacetForm()
    if form.validate_on_submit():
        try:
            editing.override_facet(session, sig.id, form.key.data.strip(), form.value.data,
                                   user_id=_editor_id(), now=utcnow(),
                                   note=form.note.data or None)
        except EditError as exc:
            session.rollback()
            form.value.errors = [str(exc)]
        else:
            return _done(f"Set {form.key.data} of signature #{sig.id}.", "admin.signature",
                         signature_id=sig.id)
    status = 422 if form.errors else 200
    return render_template("admin/signature.html", sig=sig, form=form), status


@bp.get("/people/<int:person_id>")
def person(person_id: int) -> str:
    found = get_session().get(Person, person_id) or abort(404)
    return render_template("admin/person.html", person=found, split=SplitForm(),
                           merge=MergeForm(source_id=found.id))


@bp.post("/people/merge")
def person_merge() -> Response:
    form = MergeForm()
    if not form.validate_on_submit():
        return _refused("Give two person numbers to merge.", "admin.audit")
    try:
        editing.merge_people(get_session(), form.source_id.data, form.target_id.data,
                             user_id=_editor_id(), now=utcnow())
    except EditError as exc:
        return _refused(str(exc), "admin.person", person_id=form.source_id.data)
    return _done(f"Merged person #{form.source_id.data} into #{form.target_id.data}.",
                 "admin.person", person_id=form.target_id.data)


@bp.post("/people/<int:person_id>/split")
def person_split(person_id: int) -> Response:
    form = SplitForm()
    if not form.validate_on_submit() or not form.ids():
        return _refused("List the signature numbers to split off, e.g. 12, 15.",
                        "admin.person", person_id=person_id)
    try:
        newcomer = editing.split_person(get_session(), person_id, form.ids(),
                                        user_id=_editor_id(), now=utcnow())
    except EditError as exc:
        return _refused(str(exc), "admin.person", person_id=person_id)
    return _done(f"Split into person #{newcomer.id}.", "admin.person", person_id=newcomer.id)


@bp.get("/audit")
def audit() -> str:
    return render_template("admin/audit.html", entries=editing.recent_audit(get_session()))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
