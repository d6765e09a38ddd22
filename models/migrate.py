"""``signwatch db ...``: Alembic migrations driven from the app's configured database."""

from __future__ import annotations

from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

db_cli = AppGroup("db", help="Create or migrate the database.")


def alembic_config(engine: Engine) -> Config:
    """An Alembic config that runs on ``engine`` (env.py reads it from attributes)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)


def _engine() -> Engine:
    from models.db import get_engine

    return get_engine(current_app)


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade_command(revision: str) -> None:
    """Create the database or migrate it to REVISION (default: head)."""
    upgrade(_engine(), revision)
    click.echo(f"database at {revision}: {_engine().url.render_as_string()}")


@db_cli.command("downgrade")
@click.argument("revision")
def downgrade_command(revision: str) -> None:
    """Migrate the database down to REVISION (``base`` empties it)."""
    downgrade(_engine(), revision)
    click.echo(f"database at {revision}: {_engine().url.render_as_string()}")


@db_cli.command("current")
def current_command() -> None:
    """Print the database's current revision."""
    from alembic.migration import MigrationContext

    with _engine().connect() as conn:
        revision = MigrationContext.configure(conn).get_current_revision()
    click.echo(revision or "no revision: an empty database (run `signwatch db upgrade`)")


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def revision_command(message: str) -> None:
    """(Developers) autogenerate a revision from the models."""
    command.revision(alembic_config(_engine()), message=message, autogenerate=True)


def init_app(app: Flask) -> None:
    app.cli.add_command(db_cli)
