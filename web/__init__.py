"""Flask blueprints: pages, JSON API, CSV export, admin.

Each module exposes ``init_app(app)``; this one calls them in order. Security comes first so
its headers and CSRF protection cover every blueprint registered after it.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register every blueprint and the template helpers."""
    from web import (
        admin,
        alerts,
        api,
        auth,
        exports,
        filters,
        health,
        overlap,
        pages,
        security,
        wayback,
    )

    security.init_app(app)
    auth.init_app(app)
    filters.init_app(app)
    for module in (pages, api, exports, overlap, health, admin, alerts, wayback):
        module.init_app(app)
