"""Alerts on the web (#17 B): the editors' page /admin/alerts (subscriptions, masked URLs,
the delivery log) and each letter's public Atom feed of its alerts.

The admin blueprint needs a signed-in editor like the rest of /admin (the same check) and
every POST a CSRF token (web.security). A notification URL is never rendered after saving:
only ``mask_url`` of it.
"""

from __future__ import annotations

import re
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from models.alerts import AlertEvent, AlertSubscription, letter_alerts, recent_deliveries
from models.base import utcnow
from models.db import get_session
from models.letters import Letter
from models.rosters import Roster
from tracker.alerts import (
    SubscriptionError,
    SubscriptionSpec,
    add_subscription,
    describe,
    parse_facet,
    parse_surge,
)
from tracker.notify import AlertError, mask_url, message_for, public_url, send_test
from web.admin import require_editor
from web.forms import ActionForm, reject_control_characters
from web.params import letter_or_404

admin_bp = Blueprint("alerts_admin", __name__, url_prefix="/admin/alerts")
feed_bp = Blueprint("alerts_feed", __name__)
admin_bp.before_request(require_editor)


class AlertForm(FlaskForm):
    letter = SelectField("Letter", default="")
    milestones = StringField("Milestones", validators=[Optional(), Length(max=200)])
    surge = StringField("Surge", validators=[Optional(), Length(max=40)])
    roster = SelectField("Notable signers on roster", default="")
    facet = StringField("Notable signers with facet", validators=[Optional(), Length(max=560)])
    needs_editor = BooleanField("When the letter needs an editor (suspect, blocked)",
                                default=True)
    url = StringField("Notification URL (Apprise)", validators=[InputRequired(),
                                                                Length(max=2048)])


def _spec(form: AlertForm, session: Any) -> SubscriptionSpec:
    """The subscription the form asks for; SubscriptionError saying what is wrong."""
    for field in (form.milestones, form.surge, form.facet):
        if field.data:
            reject_control_characters(field.data, field.label.text)
    milestones = parse_milestones(form.milestones.data or "")
    letter_id = int(form.letter.data) if form.letter.data else None
    return SubscriptionSpec(letter_id=letter_id, milestones=milestones,
                            surge=parse_surge(form.surge.data) if form.surge.data else None,
                            roster_name=form.roster.data or None,
                            facet=parse_facet(form.facet.data) if form.facet.data else None,
                            needs_editor=bool(form.needs_editor.data))


_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?!\d)|\d+")


def parse_milestones(text: str) -> tuple[int, ...]:
    """ "1,000 5000; 10000" as (1000, 5000, 10000): thousands separators or not."""
    if _NUMBER.sub("", text).strip(" \t,;"):
        raise SubscriptionError("milestones are whole numbers: 1,000 5,000")
    return tuple(int(found.replace(",", "")) for found in _NUMBER.findall(text))


def _choices(form: AlertForm, session: Any) -> None:
    letters = session.execute(select(Letter.id, Letter.slug).where(Letter.deleted_at.is_(None))
                              .order_by(Letter.slug)).all()
    form.letter.choices = [("", "every letter")] + [(str(i), slug) for i, slug in letters]
    rosters = session.scalars(select(Roster.name).order_by(Roster.name)).all()
    form.roster.choices = [("", "none")] + [(name, name) for name in rosters]


@admin_bp.route("", methods=["GET", "POST"])
def index() -> Any:
    session = get_session()
    form = AlertForm()
    _choices(form, session)
    if form.validate_on_submit():
        try:
            subscription = add_subscription(
                session, _spec(form, session), form.url.data,
                allow_private=bool(current_app.config["ALLOW_PRIVATE_URLS"]), now=utcnow())
        except (SubscriptionError, ValueError) as exc:
            session.rollback()
            form.url.errors = [str(exc)]
        else:
            session.commit()
            flash(f"Alert #{subscription.id} saved: {mask_url(subscription.url)}.")
            return redirect(url_for("alerts_admin.index"))
    form.url.data = ""  # a secret: never sent back, not even after a refusal
    status = 422 if form.errors else 200
    return render_template("admin/alerts.html", form=form, rows=_rows(session),
                           deliveries=recent_deliveries(session, 100), action=ActionForm(),
                           mask_url=mask_url, describe=describe), status


def _rows(session: Any) -> list[tuple[AlertSubscription, dict[str, int]]]:
    counts: dict[int, dict[str, int]] = {}
    for sub_id, status, count in session.execute(
            select(AlertEvent.subscription_id, AlertEvent.status, func.count())
            .group_by(AlertEvent.subscription_id, AlertEvent.status)):
        counts.setdefault(sub_id, {})[status] = count
    subscriptions = session.scalars(select(AlertSubscription).order_by(AlertSubscription.id))
    return [(sub, counts.get(sub.id, {})) for sub in subscriptions]


@admin_bp.post("/<int:subscription_id>/remove")
def remove(subscription_id: int) -> Response:
    session = get_session()
    subscription = _subscription_or_404(subscription_id)
    session.delete(subscription)
    session.commit()
    flash(f"Alert #{subscription_id} removed.")
    return redirect(url_for("alerts_admin.index"))


@admin_bp.post("/<int:subscription_id>/test")
def test(subscription_id: int) -> Response:
    subscription = _subscription_or_404(subscription_id)
    try:
        send_test(subscription, public_url=public_url(current_app),
                  allow_private=bool(current_app.config["ALLOW_PRIVATE_URLS"]), now=utcnow())
    except AlertError as exc:
        flash(f"Test alert to #{subscription_id} failed: {exc}", "error")
    else:
        flash(f"Test alert sent to #{subscription_id} ({mask_url(subscription.url)}).")
    return redirect(url_for("alerts_admin.index"))


def _subscription_or_404(subscription_id: int) -> AlertSubscription:
    if not ActionForm().validate_on_submit():
        abort(400)
    return get_session().get(AlertSubscription, subscription_id) or abort(404)


@feed_bp.get("/letters/<slug>/alerts.atom")
def feed(slug: str) -> Response:
    """The letter's alerts as Atom, newest first (beside its feed.atom)."""
    letter = letter_or_404(slug)
    base = public_url(current_app)
    entries = [(event, message_for(event.payload, base))
               for event in letter_alerts(get_session(), letter.id)]
    body = render_template("alerts.atom.xml", letter=letter, entries=entries,
                           updated=entries[0][0].as_of if entries else letter.created_at)
    return Response(body, mimetype="application/atom+xml")


def init_app(app: Flask) -> None:
    app.register_blueprint(admin_bp)
    app.register_blueprint(feed_bp)
