"""``signwatch letters add | list``: the letters Signwatch tracks."""

from __future__ import annotations

import json
from typing import Any

import click
from flask.cli import AppGroup

from cli.common import adapter_options, validate_kind, validate_url
from models import queries
from models.base import utcnow
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
