"""Alembic: upgrade on an empty database matches the models; downgrade and back works."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from models import Base
from models.db import make_engine
from models.migrate import alembic_config, downgrade, upgrade
from tests.conftest import on_postgres


@pytest.fixture
def empty_engine(tmp_path: Path) -> Iterator[Engine]:
    """An engine on a database with no tables at all."""
    if not on_postgres():
        engine = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
        yield engine
        engine.dispose()
        return
    from tests.pgdb import create_database, drop_database

    url = create_database()
    engine = make_engine(url)
    yield engine
    engine.dispose()
    drop_database(url)


def test_migrations_upgrade_head_matches_models(empty_engine: Engine) -> None:
    upgrade(empty_engine, "head")
    with empty_engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
    assert diff == []


def test_migrations_downgrade_to_base_and_back(empty_engine: Engine) -> None:
    upgrade(empty_engine, "head")
    downgrade(empty_engine, "base")
    assert set(inspect(empty_engine).get_table_names()) <= {"alembic_version"}
    upgrade(empty_engine, "head")
    assert set(Base.metadata.tables) <= set(inspect(empty_engine).get_table_names())


def test_migrations_upgrade_is_idempotent(empty_engine: Engine) -> None:
    upgrade(empty_engine, "head")
    upgrade(empty_engine, "head")
    assert "letter" in inspect(empty_engine).get_table_names()


def test_db_commands_report_the_revision(empty_engine: Engine) -> None:
    from app import create_app

    app = create_app({"DATABASE_URL": empty_engine.url.render_as_string(hide_password=False),
                      "SECRET_KEY": "t"})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    head = ScriptDirectory.from_config(alembic_config(empty_engine)).get_current_head()
    assert head == "0014_series_version"
    assert runner.invoke(args=["db", "current"]).stdout.strip() == head
    down = runner.invoke(args=["db", "downgrade", "base"])
    assert down.exit_code == 0 and "database at base" in down.stdout
    assert "empty database" in runner.invoke(args=["db", "current"]).stdout
