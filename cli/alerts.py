"""``signwatch alerts add | list | remove | test | deliver``: alert subscriptions (#17 B)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from models.alerts import AlertEvent, AlertSubscription
from models.base import utcnow
from models.db import session_factory
from models.letters import Letter
from tracker.alerts import (
    SubscriptionError,
    SubscriptionSpec,
    add_subscription,
    describe,
    parse_facet,
    parse_surge,
)
from tracker.notify import AlertError, deliverer_for, mask_url, public_url, send_test

alerts_cli = AppGroup("alerts", help="Alerts: milestones, surges, notable signers, suspects.")
COMMANDS = [alerts_cli]


@alerts_cli.command("add")
@click.argument("slug", required=False)
@click.option("--all", "every", is_flag=True, help="Every letter, now and later.")
@click.option("--milestone", type=click.IntRange(min=1), multiple=True,
              help="Alert when the trusted count crosses N (repeatable).")
@click.option("--surge", help="Alert on M new signers within a window: 100/1h.")
@click.option("--signer-match", "roster", help="Alert when a signer on this roster appears.")
@click.option("--facet", help="Alert when a signer with this facet appears: role=prosecutor.")
@click.option("--editor-alerts/--no-editor-alerts", default=True,
              help="Also alert when the letter needs an editor (suspect, blocked).")
@click.option("--to", "url", required=True, help="An Apprise URL (json://, mailto://, ...).")
def add_command(slug: str | None, every: bool, milestone: tuple[int, ...], surge: str | None,
                roster: str | None, facet: str | None, editor_alerts: bool, url: str) -> None:
    """Subscribe to alerts for SLUG, or for every letter with --all."""
    if bool(slug) == every:
        raise click.UsageError("give a letter's SLUG or --all (not both)")
    try:
        with session_factory()() as session, session.begin():
            spec = SubscriptionSpec(
                letter_id=_letter_id(session, slug) if slug else None, milestones=milestone,
                surge=parse_surge(surge) if surge else None, roster_name=roster,
                facet=parse_facet(facet) if facet else None, needs_editor=editor_alerts)
            subscription = add_subscription(
                session, spec, url, allow_private=bool(current_app.config["ALLOW_PRIVATE_URLS"]),
                now=utcnow())
            line = _line(subscription, slug or "all letters")
    except SubscriptionError as exc:
        raise click.ClickException(f"{exc}; nothing was saved") from None
    click.echo(f"added {line}")


def _letter_id(session, slug: str) -> int:
    found = session.scalar(select(Letter.id).where(Letter.slug == slug,
                                                   Letter.deleted_at.is_(None)))
    if found is None:
        raise SubscriptionError(f"no letter named {slug[:100]!r}")
    return found


def _line(subscription: AlertSubscription, scope: str) -> str:
    return (f"#{subscription.id} {scope}: {describe(subscription)} -> "
            f"{mask_url(subscription.url)}")


@alerts_cli.command("list")
def list_command() -> None:
    """List subscriptions (URLs masked) with their outbox counts."""
    with session_factory()() as session:
        subscriptions = list(session.scalars(select(AlertSubscription)
                                             .order_by(AlertSubscription.id)))
        counts = dict(session.execute(
            select(AlertEvent.subscription_id, func.count()).where(
                AlertEvent.status == "delivered").group_by(AlertEvent.subscription_id)).all())
        lines = [f"{_line(sub, sub.letter.slug if sub.letter else 'all letters')}  "
                 f"[{counts.get(sub.id, 0)} delivered]" for sub in subscriptions]
    if not lines:
        click.echo("no alert subscriptions: signwatch alerts add SLUG --milestone N --to URL")
    for line in lines:
        click.echo(line)


@alerts_cli.command("remove")
@click.argument("subscription_id", type=int)
def remove_command(subscription_id: int) -> None:
    """Remove a subscription and its queued alerts."""
    with session_factory()() as session, session.begin():
        subscription = session.get(AlertSubscription, subscription_id)
        if subscription is None:
            raise click.ClickException(f"no alert subscription #{subscription_id}")
        session.delete(subscription)
    click.echo(f"removed #{subscription_id}")


@alerts_cli.command("test")
@click.argument("subscription_id", type=int)
def test_command(subscription_id: int) -> None:
    """Send a test alert to a subscription now."""
    app = current_app
    with session_factory()() as session:
        subscription = session.get(AlertSubscription, subscription_id)
        if subscription is None:
            raise click.ClickException(f"no alert subscription #{subscription_id}")
        try:
            send_test(subscription, public_url=public_url(app),
                      allow_private=bool(app.config["ALLOW_PRIVATE_URLS"]), now=utcnow())
        except AlertError as exc:
            raise click.ClickException(f"#{subscription_id} "
                                       f"({mask_url(subscription.url)}): {exc}") from None
        click.echo(f"sent a test alert to #{subscription_id} ({mask_url(subscription.url)})")


@alerts_cli.command("deliver")
def deliver_command() -> None:
    """Send every alert that is due now (the scheduler does this each tick)."""
    report = deliverer_for(current_app._get_current_object()).deliver_due()  # type: ignore[attr-defined]
    click.echo(report.line())
