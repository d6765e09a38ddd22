"""Every ``signwatch`` command, one module per command group; ``init_app`` registers them.

The root group itself is ``app.cli`` (a FlaskGroup around ``create_app``). Commands parse
arguments, call the packages that do the work and print; they hold no pipeline logic.
"""

from __future__ import annotations

from flask import Flask

from cli import alerts, db, enrich, export, letters, polling, preview, roster, serve, users


def init_app(app: Flask) -> None:
    """Register every command on ``app.cli``."""
    for module in (db, letters, preview, polling, serve, export, roster, enrich, users, alerts):
        for command in module.COMMANDS:
            app.cli.add_command(command)
