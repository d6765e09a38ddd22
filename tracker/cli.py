"""The tracker's commands: ``signwatch letters ...`` (more join as the pipeline lands)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from models import queries
from models.base import utcnow
from models.db import session_factory
from tracker.intervals import format_interval, parse_interval

letters_cli = AppGroup("letters", help="Add and list tracked letters.")
URL_MAX = 2048


def validate_url(url: str) -> str:
    """A clean http(s) URL, or click.BadParameter saying what is wrong."""
    url = url.strip()
    parts = urlsplit(url)
    if len(url) > URL_MAX:
        raise click.BadParameter(f"URL longer than {URL_MAX} characters")
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise click.BadParameter(f"{url!r} is not an http(s) URL")
    return url


def validate_kind(kind: str) -> str:
    from scrapers.base import known_kinds

    kinds = ["auto", *known_kinds()]
    if kind not in kinds:
        raise click.BadParameter(f"unknown kind {kind!r} (known: {', '.join(kinds)})")
    return kind


@letters_cli.command("add")
@click.argument("url")
@click.option("--kind", default="auto", show_default=True, help="Adapter name or auto.")
@click.option("--title", help="Title shown on pages (default: read from the page).")
@click.option("--slug", help="URL name under /letters/ (default: from the title).")
@click.option("--every", "every", default="15m", show_default=True, help="Poll interval.")
@click.option("--selector", help="CSS selector of one signer item (html kind).")
@click.option("--count-selector", help="CSS selector of the headline count (html kind).")
@click.option("--organizer", help="Who organized or sponsors the letter.")
def add_command(url: str, kind: str, title: str | None, slug: str | None, every: str,
                selector: str | None, count_selector: str | None,
                organizer: str | None) -> None:
    """Track the letter at URL."""
    url, kind = validate_url(url), validate_kind(kind)
    try:
        interval = parse_interval(every)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--every") from None
    options = _options(selector=selector, count_selector=count_selector)
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
    click.echo(f"tracking {letter.slug}: {url} every {format_interval(interval)}")


def _options(**values: str | None) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value}


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
        click.echo(f"{row['slug']:30} {count!s:>10} {row['kind']:14} {row['url']}")


def _summary_dict(summary: queries.LetterSummary) -> dict[str, Any]:
    letter, snap = summary.letter, summary.current
    return {
        "slug": letter.slug, "title": letter.title, "url": letter.url, "kind": letter.kind,
        "poll_interval": format_interval(letter.poll_interval_s), "active": letter.active,
        "reported_count": snap.reported_count if snap else None,
        "listed_count": snap.listed_count if snap else None,
        "observed_at": snap.observed_at.isoformat() if snap else None,
        "last_polled_at": letter.last_polled_at.isoformat() if letter.last_polled_at else None,
        "last_outcome": letter.last_outcome,
    }




@click.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-scheduler", is_flag=True, help="Serve pages only (another process polls).")
@click.option("--threads", default=8, show_default=True, type=int)
@with_appcontext
def run_command(host: str, port: int, no_scheduler: bool, threads: int) -> None:
    """Serve the web UI and run the scheduler beside it, in this one process."""
    import waitress

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    scheduler = None if no_scheduler else _start_embedded_scheduler(app)
    click.echo(f"Signwatch on http://{host}:{port}/ "
               f"({'scheduler off' if scheduler is None else 'scheduler on'})")
    try:
        waitress.serve(app, host=host, port=port, threads=threads, ident="Signwatch")
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)


def _start_embedded_scheduler(app: Flask):
    """The scheduler of tracker.scheduler when it exists; None until then."""
    try:
        from tracker.scheduler import start_background_scheduler
    except ImportError:
        return None
    return start_background_scheduler(app)


def init_app(app: Flask) -> None:
    app.cli.add_command(letters_cli)
    app.cli.add_command(run_command)
