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
    import gc

    import waitress

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    _log_to_terminal()
    scheduler = None if no_scheduler else _start_embedded_scheduler(app)
    gc.collect()
    gc.freeze()  # start-up objects leave the collector's view: shorter pauses mid-request
    click.echo(f"Signwatch on http://{host}:{port}/ "
               f"({'scheduler off' if scheduler is None else 'scheduler on'})")
    try:
        waitress.serve(app, host=host, port=port, threads=threads, ident="Signwatch")
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)


def _log_to_terminal() -> None:
    """Poll results and scheduler events on stderr, one line each."""
    import logging

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    # A tick still running when the next is due is skipped by design (coalescing): no warning.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    logging.getLogger("httpx").setLevel(logging.WARNING)


def _start_embedded_scheduler(app: Flask):
    from tracker.scheduler import start_background_scheduler

    return start_background_scheduler(app)


@click.command("preview")
@click.argument("url")
@click.option("--kind", default="auto", show_default=True, help="Adapter name or auto.")
@click.option("--selector", help="CSS selector of one signer item (html kind).")
@click.option("--count-selector", help="CSS selector of the headline count (html kind).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object on stdout.")
@click.option("--limit", default=20, show_default=True, help="How many signers to show.")
@with_appcontext
def preview_command(url: str, kind: str, selector: str | None, count_selector: str | None,
                    as_json: bool, limit: int) -> None:
    """Fetch and parse URL without storing anything."""
    from scrapers.errors import SignwatchScrapeError
    from scrapers.preview import preview_document, preview_url
    from tracker.runtime import fetch_settings

    url, kind = validate_url(url), validate_kind(kind)
    options = _options(selector=selector, count_selector=count_selector)
    try:
        scraped = preview_url(url, kind, options, fetch_settings(current_app))
    except SignwatchScrapeError as exc:
        raise click.ClickException(f"{exc.outcome}: {exc}") from None
    if scraped.empty_reason:
        raise click.ClickException(f"no_signers: {scraped.empty_reason}")
    document = preview_document(scraped, first=limit)
    click.echo(json.dumps(document, indent=2, ensure_ascii=False) if as_json
               else _preview_text(document))


def _preview_text(doc: dict[str, Any]) -> str:
    reported = "none stated" if doc["reported_count"] is None else f"{doc['reported_count']:,}"
    lines = [f"kind:           {doc['kind']}", f"title:          {doc['title'] or '-'}",
             f"headline count: {reported}", f"listed signers: {doc['listed_count']:,}"]
    lines += [f"  {n:>4}. {s['raw']}" for n, s in enumerate(doc["signers"], start=1)]
    return "\n".join(lines)


@click.command("poll")
@click.argument("slugs", nargs=-1)
@click.option("--all", "poll_all", is_flag=True, help="Every active letter.")
@click.option("--due", is_flag=True, help="Only letters whose next poll is due.")
@with_appcontext
def poll_command(slugs: tuple[str, ...], poll_all: bool, due: bool) -> None:
    """Poll letters now; one line per letter (count, change, outcome)."""
    from tracker.runtime import get_poller
    from tracker.scheduler import select_letters

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with session_factory(app)() as session:
        try:
            ids = select_letters(session, slugs, poll_all=poll_all, due=due, now=utcnow())
        except LookupError as exc:
            raise click.ClickException(str(exc)) from None
    if not ids:
        click.echo("nothing to poll (name letters, or use --all / --due)")
        return
    poller = get_poller(app)
    failures = _poll_with_progress(poller, ids)
    if failures:
        raise SystemExit(1)


def _poll_with_progress(poller: Any, ids: list[int]) -> int:
    failures = 0
    show_bar = len(ids) > 1
    with click.progressbar(ids, label="polling", file=None if show_bar else _Null(),
                           show_pos=True) as bar:
        for letter_id in bar:
            result = poller.poll(letter_id)
            failures += result.snapshot_id is None and result.outcome != "unchanged"
            click.echo(("\n" if show_bar else "") + result.line())
    return failures


class _Null:
    def write(self, _text: str) -> None:
        pass

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


@click.command("backfill")
@click.argument("slug")
@click.argument("captures", nargs=-1, required=True)
@with_appcontext
def backfill_command(slug: str, captures: tuple[str, ...]) -> None:
    """Run saved copies of a letter's page through the pipeline at their times.

    Each CAPTURE is FILE@ISO-TIME (2020-02-17T14:05:00-05:00, or a Wayback 14-digit stamp),
    or a directory whose file names carry times (page-20200217T190500.html)."""
    from pathlib import Path

    from tracker.backfill import backfill, capture_from_arg, captures_in_directory
    from tracker.runtime import get_poller

    try:
        found = [c for arg in captures for c in (
            captures_in_directory(Path(arg)) if Path(arg).is_dir() else [capture_from_arg(arg)])]
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    letter = _letter_or_fail(app, slug)
    try:
        done = backfill(get_poller(app), letter.id, letter.url, letter.kind,
                        letter.options or {}, found)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    for capture, result in done:
        click.echo(f"{capture.at.isoformat()} {capture.path.name}: {result.line()}")


def _letter_or_fail(app: Flask, slug: str):
    with session_factory(app)() as session:
        letter = queries.letter_by_slug(session, slug)
        if letter is None:
            raise click.ClickException(f"no letter named {slug!r} (see: signwatch letters list)")
        session.expunge(letter)
        return letter


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load real example letters from the snapshots bundled in tests/fixtures/."""
    from tracker.backfill import backfill
    from tracker.demo import DEMO_LETTERS, add_demo_letter
    from tracker.runtime import get_poller

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    poller = get_poller(app)
    for demo in DEMO_LETTERS:
        with session_factory(app)() as session, session.begin():
            letter_id = add_demo_letter(session, demo, utcnow())
        if letter_id is None:
            click.echo(f"{demo.slug}: loaded already")
            continue
        done = backfill(poller, letter_id, demo.url, demo.kind, {}, demo.capture_list())
        last = done[-1][1]
        click.echo(f"{demo.slug}: {len(done)} real snapshots; now {last.line()}")
    click.echo("open http://127.0.0.1:5000/ (make run) to see them")


@click.command("scheduler")
@click.option("--defer", is_flag=True,
              help="Hand due polls to procrastinate workers instead of polling here.")
@with_appcontext
def scheduler_command(defer: bool) -> None:
    """Run the scheduler in the foreground (exactly one per deployment)."""
    from tracker.scheduler import build_scheduler

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    _log_to_terminal()
    click.echo(f"scheduler: tick every {app.config['SCHEDULER_TICK_SECONDS']}s"
               f"{', deferring polls to workers' if defer else ''}; Ctrl-C stops")
    if not defer:
        _run_blocking(build_scheduler(app, blocking=True))
        return
    from tracker.worker import ensure_queue_schema, open_for_deferring

    _check_postgres(app)
    ensure_queue_schema(app)
    with open_for_deferring(app):
        _run_blocking(build_scheduler(app, defer=True, blocking=True))


def _run_blocking(scheduler) -> None:
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass


def _check_postgres(app: Flask) -> None:
    from tracker.worker import WorkersNeedPostgres, conninfo

    try:
        conninfo(app.config["DATABASE_URL"])
    except WorkersNeedPostgres as exc:
        raise click.ClickException(str(exc)) from None


@click.command("worker")
@click.option("--concurrency", default=4, show_default=True, help="Polls run at once.")
@click.option("--wait/--no-wait", default=True, show_default=True,
              help="--no-wait: stop once the queue is empty.")
@with_appcontext
def worker_command(concurrency: int, wait: bool) -> None:
    """Run a procrastinate worker that polls letters deferred by `scheduler --defer`."""
    from tracker.worker import ensure_queue_schema, run_worker

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    _check_postgres(app)
    ensure_queue_schema(app)
    _log_to_terminal()
    click.echo(f"worker: up to {concurrency} polls at once; Ctrl-C stops")
    run_worker(app, concurrency=concurrency, wait=wait)


def init_app(app: Flask) -> None:
    from tracker import enrichment, rosters

    enrichment.init_app(app)
    rosters.init_app(app)
    app.cli.add_command(letters_cli)
    app.cli.add_command(run_command)
    app.cli.add_command(preview_command)
    app.cli.add_command(poll_command)
    app.cli.add_command(backfill_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(scheduler_command)
    app.cli.add_command(worker_command)
