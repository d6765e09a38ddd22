"""``signwatch preview URL``: fetch and parse a page, store nothing."""

from __future__ import annotations

import json
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from cli.common import adapter_options, validate_kind, validate_url


@click.command("preview")
@click.argument("url")
@click.option("--kind", default="auto", show_default=True, help="Adapter name or auto.")
@click.option("--selector", help="CSS selector of one signer item (html kind).")
@click.option("--count-selector", help="CSS selector of the headline count (html kind).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object on stdout.")
@click.option("--limit", default=20, show_default=True, help="How many signers to show.")
@click.option("--render", is_flag=True,
              help="Load the page in headless Chromium first (lists built by scripts).")
@with_appcontext
def preview_command(url: str, kind: str, selector: str | None, count_selector: str | None,
                    as_json: bool, limit: int, render: bool) -> None:
    """Fetch and parse URL without storing anything."""
    from scrapers.errors import SignwatchScrapeError
    from scrapers.preview import preview_document, preview_url
    from scrapers.render import preview_rendered
    from tracker.runtime import fetch_settings, render_settings

    url, kind = validate_url(url), validate_kind(kind)
    options = adapter_options(selector=selector, count_selector=count_selector)
    try:
        scraped = (preview_rendered(url, kind, options, render_settings(current_app)) if render
                   else preview_url(url, kind, options, fetch_settings(current_app)))
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
    if doc.get("source"):
        lines.append(f"read from:      {doc['source']}")
    if "rendered=" in (doc.get("content_type") or ""):
        lines.append("rendered in:    headless Chromium")
    lines += [f"  {n:>4}. {s['raw']}" for n, s in enumerate(doc["signers"], start=1)]
    return "\n".join(lines)


COMMANDS = [preview_command]
