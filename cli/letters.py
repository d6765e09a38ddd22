"""``signwatch letters add | list | add-index | indexes | poll-index | pause-index |
resume-index | remove-index``: the letters Signwatch tracks, and the site indexes that
refresh many of their counts at once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup

from cli.common import adapter_options, validate_kind, validate_url
from models import index as site_index
from models import queries
from models.base import iso_utc, utcnow
from models.db import session_factory
from tracker.intervals import format_interval, parse_interval

letters_cli = AppGroup("letters", help="Add and list tracked letters.")
COMMANDS = [letters_cli]


@letters_cli.command("add")
@click.argument("url")
@click.option("--kind", default="auto", show_default=True, help="Adapter name or auto.")
@click.option("--title", help="Title shown on pages (default: read from the page).")
@click.option("--slug", help="URL name under /letters/ (default: from the title).")
@click.option("--every", "every", default="15m", show_default=True, help="Poll interval.")
@click.option("--selector", help="CSS selector of one signer item (html kind).")
@click.option("--count-selector", help="CSS selector of the headline count (html kind).")
@click.option("--organizer", help="Who organized or sponsors the letter.")
@click.option("--render", is_flag=True,
              help="Read the page through headless Chromium (lists built by scripts).")
def add_command(url: str, kind: str, title: str | None, slug: str | None, every: str,
                selector: str | None, count_selector: str | None,
                organizer: str | None, render: bool) -> None:
    """Track the letter at URL."""
    url, kind = validate_url(url), validate_kind(kind)
    try:
        interval = parse_interval(every)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--every") from None
    options: dict[str, Any] = adapter_options(selector=selector, count_selector=count_selector)
    if render:
        options["render"] = True
    session = session_factory()()
    try:
        with session.begin():
            letter = queries.add_letter(
                session, url=url, title=title, kind=kind, poll_interval_s=interval,
                now=utcnow(), slug=slug and queries.slugify(slug), options=options,
                organizer=organizer,
            )
    except queries.DuplicateLetter as exc:
        raise click.ClickException(str(exc)) from None
    rendered = ", rendered in Chromium" if render else ""
    click.echo(f"tracking {letter.slug}: {url} every {format_interval(interval)}{rendered}")


@letters_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON array on stdout.")
def list_command(as_json: bool) -> None:
    """List tracked letters with their current counts."""
    with session_factory()() as session:
        rows = [_summary_dict(s) for s in queries.letter_summaries(session)]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("no letters tracked yet: signwatch letters add URL")
    for row in rows:
        count = row["reported_count"] if row["reported_count"] is not None else "-"
        count = f">{count}" if row["reported_count_at_least"] else count
        click.echo(f"{row['slug']:30} {count!s:>10} {row['kind']:14} {row['url']}")


def _summary_dict(summary: queries.LetterSummary) -> dict[str, Any]:
    letter, snap = summary.letter, summary.current
    return {
        "slug": letter.slug, "title": letter.title, "url": letter.url, "kind": letter.kind,
        "poll_interval": format_interval(letter.poll_interval_s), "active": letter.active,
        "reported_count": snap.reported_count if snap else None,
        "reported_count_at_least": bool(snap and snap.reported_count_at_least),
        "listed_count": snap.listed_count if snap else None,
        "observed_at": snap.observed_at.isoformat() if snap else None,
        "last_polled_at": letter.last_polled_at.isoformat() if letter.last_polled_at else None,
        "last_outcome": letter.last_outcome,
    }


@letters_cli.command("add-index")
@click.argument("url")
@click.option("--kind", default="uk-parliament", show_default=True, help="Index reader name.")
@click.option("--every", "every", default="15m", show_default=True, help="Poll interval.")
def add_index_command(url: str, kind: str, every: str) -> None:
    """Poll the listing at URL: one request a page refreshes every tracked letter it lists."""
    from scrapers.index import known_index_kinds

    url = validate_url(url)
    if kind not in known_index_kinds():
        raise click.BadParameter(f"unknown index kind {kind!r} (known: "
                                 f"{', '.join(known_index_kinds())})", param_hint="--kind")
    try:
        interval = parse_interval(every)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--every") from None
    session = session_factory()()
    try:
        with session.begin():
            index = site_index.add_index(session, url=url, kind=kind,
                                         poll_interval_s=interval, now=utcnow())
    except site_index.DuplicateIndex as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"index {index.id}: {url} every {format_interval(interval)}")


@letters_cli.command("indexes")
@click.option("--json", "as_json", is_flag=True, help="One JSON array on stdout.")
def indexes_command(as_json: bool) -> None:
    """List site indexes with their last poll."""
    with session_factory()() as session:
        rows = [_index_dict(session, index) for index in site_index.site_indexes(session)]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("no site indexes yet: signwatch letters add-index URL")
    for row in rows:
        last = row["last_poll"] or {}
        refreshed = last.get("members_refreshed", "-")
        click.echo(f"{row['id']:>4} {row['kind']:14} {row['poll_interval']:>6} "
                   f"{row['last_outcome'] or 'never polled':14} {refreshed!s:>6} {row['url']}")


@letters_cli.command("poll-index")
@click.argument("index_ids", nargs=-1, type=int)
def poll_index_command(index_ids: tuple[int, ...]) -> None:
    """Poll site indexes now (every active one when none is named); one line each."""
    from tracker.index import INDEX_SUCCESSES, index_poller_for

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with session_factory(app)() as session:
        known = {index.id: index.active for index in site_index.site_indexes(session)}
    missing = [str(i) for i in index_ids if i not in known]
    if missing:
        raise click.ClickException(f"no index numbered {', '.join(missing)}")
    ids = list(index_ids) or [i for i, active in known.items() if active]
    if not ids:
        click.echo("every site index is paused: signwatch letters resume-index ID" if known
                   else "no site indexes yet: signwatch letters add-index URL")
        return
    poller = index_poller_for(app)
    results = [poller.poll(index_id) for index_id in ids]
    for result in results:
        click.echo(result.line())
    if any(result.outcome not in INDEX_SUCCESSES for result in results):
        raise SystemExit(1)


@letters_cli.command("pause-index")
@click.argument("index_id", type=int)
def pause_index_command(index_id: int) -> None:
    """Stop polling index INDEX_ID (its letters keep their own polls)."""
    index = _change_index(lambda session: site_index.set_index_active(
        session, index_id, False, now=utcnow()))
    click.echo(f"paused index {index.id}: {index.url}")


@letters_cli.command("resume-index")
@click.argument("index_id", type=int)
def resume_index_command(index_id: int) -> None:
    """Poll index INDEX_ID again, starting now."""
    index = _change_index(lambda session: site_index.set_index_active(
        session, index_id, True, now=utcnow()))
    click.echo(f"resumed index {index.id}: {index.url} every "
               f"{format_interval(index.poll_interval_s)}, next due {iso_utc(index.next_due_at)}")


@letters_cli.command("remove-index")
@click.argument("index_id", type=int)
def remove_index_command(index_id: int) -> None:
    """Forget index INDEX_ID and its poll log; the counts it read stay in letters' histories."""
    index = _change_index(lambda session: site_index.remove_index(session, index_id))
    click.echo(f"removed index {index.id}: {index.url} (the counts it read are kept)")


@dataclass(frozen=True)
class _Changed:
    id: int
    url: str
    poll_interval_s: int
    next_due_at: datetime | None


def _change_index(change: Any) -> _Changed:
    """Run ``change(session)`` in one transaction; an unknown number is a usage error."""
    session = session_factory()()
    try:
        with session.begin():
            index = change(session)
            changed = _Changed(index.id, index.url, index.poll_interval_s, index.next_due_at)
    except site_index.UnknownIndex as exc:
        raise click.ClickException(str(exc)) from None
    return changed


def _index_dict(session: Any, index: site_index.SiteIndex) -> dict[str, Any]:
    logs = site_index.latest_index_logs(session, index.id, limit=1)
    last = logs[0] if logs else None
    return {
        "id": index.id, "kind": index.kind, "url": index.url, "active": index.active,
        "poll_interval": format_interval(index.poll_interval_s),
        "last_polled_at": index.last_polled_at.isoformat() if index.last_polled_at else None,
        "last_outcome": index.last_outcome, "last_error": index.last_error,
        "next_due_at": index.next_due_at.isoformat() if index.next_due_at else None,
        "last_poll": None if last is None else {
            "pages_read": last.pages_read, "entries_read": last.entries_read,
            "members_refreshed": last.members_refreshed,
            "members_changed": last.members_changed, "members_suspect": last.members_suspect,
            "duration_ms": last.duration_ms},
    }
