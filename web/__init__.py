"""Flask blueprints: pages, JSON API, CSV export, admin."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register every blueprint and the template helpers."""
    from web import filters, health, pages

    filters.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(health.bp)
