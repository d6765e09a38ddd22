"""``signwatch poll | backfill | demo``: run letters through the pipeline now."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from models import queries
from models.base import utcnow
from models.db import session_factory


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
    with _parse_pool(poller, int(app.config["PARSE_PROCESSES"]), len(ids)) as parsing:
        failures = _poll_with_progress(poller, ids, int(app.config["MAX_CONCURRENT_POLLS"]),
                                       parsing)
    if failures:
        raise SystemExit(1)


def _parse_pool(poller: Any, processes: int, letters: int) -> Any:
    """Worker processes for the polls' parsing, when there are several letters to share."""
    if processes < 1 or letters < 2:
        return contextlib.nullcontext(None)
    from tracker.parsepool import ParsePool

    return ParsePool(min(processes, letters), poller.settings.rules)


def _poll_with_progress(poller: Any, ids: list[int], concurrency: int,
                        parsing: Any = None) -> int:
    """Poll ``ids`` on ``concurrency`` threads (the fetcher keeps each host to one request at a
    time), parsing in ``parsing`` (a ParsePool) if given; one line per letter as each finishes."""
    failures = 0
    show_bar = len(ids) > 1
    poller.preload(ids)
    with click.progressbar(length=len(ids), label="polling", file=None if show_bar else _Null(),
                           show_pos=True) as bar, ThreadPoolExecutor(
                               max_workers=max(1, min(concurrency, len(ids)))) as pool:
        for result in _as_done(pool, poller, ids, parsing):
            failures += result.snapshot_id is None and result.outcome != "unchanged"
            bar.update(1)
            click.echo(("\n" if show_bar else "") + result.line())
    return failures


def _as_done(pool: ThreadPoolExecutor, poller: Any, ids: list[int],
             parsing: Any) -> Iterator[Any]:
    futures = [pool.submit(poller.poll, letter_id, pool=parsing) for letter_id in ids]
    for future in as_completed(futures):
        yield future.result()


class _Null:
    def write(self, _text: str) -> None:
        pass

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


@click.command("backfill")
@click.argument("slug")
@click.argument("captures", nargs=-1)
@click.option("--wayback", is_flag=True,
              help="Read the letter's captures from the Wayback Machine (SIGNWATCH_WAYBACK_URL).")
@click.option("--from", "since", metavar="YYYYMMDD", help="With --wayback: captures from then.")
@click.option("--to", "until", metavar="YYYYMMDD", help="With --wayback: captures until then.")
@with_appcontext
def backfill_command(slug: str, captures: tuple[str, ...], wayback: bool, since: str | None,
                     until: str | None) -> None:
    """Run saved copies of a letter's page through the pipeline at their times.

    Each CAPTURE is FILE@ISO-TIME (2020-02-17T14:05:00-05:00, or a Wayback 14-digit stamp),
    or a directory whose file names carry times (page-20200217T190500.html). With --wayback,
    the letter's Wayback Machine captures instead, oldest first; run it again to resume."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if wayback == bool(captures):
        raise click.UsageError("give CAPTURE files, or --wayback (not both)")
    if not wayback and (since or until):
        raise click.UsageError("--from and --to go with --wayback")
    since, until = _stamp_arg(since, "--from"), _stamp_arg(until, "--to")
    letter = _letter_or_fail(app, slug)
    if wayback:
        _backfill_wayback(app, letter, since, until)
    else:
        _backfill_files(app, letter, captures)


def _backfill_files(app: Flask, letter: Any, captures: tuple[str, ...]) -> None:
    from pathlib import Path

    from tracker.backfill import backfill, capture_from_arg, captures_in_directory
    from tracker.runtime import get_poller

    try:
        found = [c for arg in captures for c in (
            captures_in_directory(Path(arg)) if Path(arg).is_dir() else [capture_from_arg(arg)])]
        done = backfill(get_poller(app), letter.id, letter.url, letter.kind,
                        letter.options or {}, found)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    for capture, result in done:
        click.echo(f"{capture.at.isoformat()} {capture.path.name}: {result.line()}")


def _stamp_arg(value: str | None, option: str) -> str | None:
    from scrapers.wayback import bound_stamp

    try:
        return bound_stamp(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=option) from None


def _backfill_wayback(app: Flask, letter: Any, since: str | None, until: str | None) -> None:
    from scrapers.errors import SignwatchScrapeError
    from tracker.runtime import get_poller
    from tracker.wayback import Target, backfill_wayback, get_wayback, summarise

    target = Target(letter.id, letter.slug, letter.url, letter.kind, letter.options or {})
    try:
        outcomes = backfill_wayback(get_poller(app), get_wayback(app), target, since=since,
                                    until=until,
                                    on_progress=lambda step: click.echo(step.message))
    except KeyboardInterrupt:
        click.echo(f"interrupted: {RESUME}", err=True)
        raise SystemExit(130) from None
    except (SignwatchScrapeError, ValueError) as exc:
        outcome = getattr(exc, "outcome", "error")
        raise click.ClickException(f"{outcome}: {exc} ({RESUME})") from None
    click.echo(summarise(outcomes))


RESUME = "what was read is kept; run the same command again to resume"


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
    """Load real example letters from the snapshots bundled in tests/fixtures/ (an empty
    database is created first, as `signwatch db upgrade` does)."""
    from sqlalchemy import inspect

    from models import migrate
    from models.db import get_engine
    from tracker.backfill import backfill
    from tracker.demo import DEMO_LETTERS, add_demo_letter
    from tracker.runtime import get_poller

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    engine = get_engine(app)
    if not inspect(engine).has_table("letter"):  # a newcomer's first command, before make run
        migrate.upgrade(engine)
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


COMMANDS = [poll_command, backfill_command, demo_command]
