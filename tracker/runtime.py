"""The tracker's long-lived parts, built once per app from its config."""

from __future__ import annotations

from flask import Flask

from scrapers.fetch import Fetcher, FetchSettings, build_client
from scrapers.render import Renderer, RenderSettings
from tracker.guard import GuardSettings
from tracker.poll import Poller, PollResult, PollSettings


def fetch_settings(app: Flask) -> FetchSettings:
    """FetchSettings from SIGNWATCH_* configuration."""
    config = app.config
    return FetchSettings(
        user_agent=config["USER_AGENT"],
        min_host_delay=float(config["MIN_HOST_DELAY"]),
        allow_private=bool(config["ALLOW_PRIVATE_URLS"]),
    )


def render_settings(app: Flask) -> RenderSettings:
    """RenderSettings from SIGNWATCH_* configuration (``--render`` letters and previews)."""
    config = app.config
    return RenderSettings(fetch=fetch_settings(app), executable_path=config["CHROMIUM_PATH"],
                          timeout_s=float(config["RENDER_TIMEOUT_S"]),
                          max_renders=int(config["MAX_RENDERS"]))


def get_renderer(app: Flask) -> Renderer:
    """The app's one browser pool; no browser starts until a letter needs one."""
    renderer = app.extensions.get("signwatch.renderer")
    if renderer is None:
        renderer = app.extensions["signwatch.renderer"] = Renderer(render_settings(app))
    return renderer


def poll_settings(app: Flask) -> PollSettings:
    config = app.config
    guard = GuardSettings(drop_share=float(config["SUSPECT_DROP_SHARE"]),
                          confirmations=int(config["SUSPECT_CONFIRMATIONS"]),
                          persist_hours=float(config["SUSPECT_PERSIST_HOURS"]))
    from tracker.enrichment import rules_for

    return PollSettings(guard=guard, poll_log_keep=int(config["POLL_LOG_KEEP"]),
                        rules=rules_for(config))


def get_poller(app: Flask) -> Poller:
    """The app's one Poller (one httpx client, thread-safe), created on first use."""
    poller = app.extensions.get("signwatch.poller")
    if poller is None:
        from models.db import session_factory

        settings = fetch_settings(app)
        fetcher = Fetcher(build_client(settings), settings)
        poller = Poller(session_factory(app), fetcher, poll_settings(app),
                        renderer=get_renderer(app))
        app.extensions["signwatch.poller"] = poller
    return poller


def poll_letter_by_id(app: Flask, letter_id: int) -> PollResult:
    """Poll one letter now with the app's poller (the admin's "poll now")."""
    return get_poller(app).poll(letter_id)
