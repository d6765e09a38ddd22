"""Migration 0011_storage: the facet table it rebuilds (SQLite) keeps its counting triggers, and
its facet and person indexes are the smaller ones. Rows below are synthetic."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.orm import Session

from models import generation
from models.db import make_engine
from models.migrate import upgrade
from tests.conftest import on_postgres

ROWS = [
    "INSERT INTO letter (id, slug, title, url, kind, options, poll_interval_s, active, "
    "created_at, consecutive_failures) VALUES (1, 'a', 'A', 'https://example.org/a', 'html', "
    "'{}', 900, true, '2030-01-01 00:00:00', 0)",
    "INSERT INTO signature (id, letter_id, name_key, occurrence, name, raw, position, "
    "first_seen_at, last_seen_at) VALUES (1, 1, 'ann', 1, 'Ann', 'Ann', 1, "
    "'2030-01-01 00:00:00', '2030-01-01 00:00:00')",
    "INSERT INTO facet (id, signature_id, key, value, source, created_at, overridden) "
    "VALUES (1, 1, 'role', 'Professor', 'printed', '2030-01-01 00:00:00', false)",
]


@pytest.fixture
def migrated(tmp_path: Path) -> Iterator[Engine]:
    """A database built by the migrations alone (not create_all), at head."""
    if on_postgres():
        from tests.pgdb import create_database, drop_database

        url = create_database()
        engine = make_engine(url)
        upgrade(engine, "head")
        yield engine
        engine.dispose()
        drop_database(url)
        return
    engine = make_engine(f"sqlite:///{tmp_path / 'migrated.sqlite3'}")
    upgrade(engine, "head")
    yield engine
    engine.dispose()


def tokens(engine: Engine) -> tuple:
    with Session(engine) as session, session.begin():
        return generation.current(session), generation.letter_current(session, 1)


def test_storage_migration_facet_changes_still_move_both_versions(migrated: Engine) -> None:
    with migrated.begin() as conn:
        for statement in ROWS:
            conn.execute(text(statement))
    before = tokens(migrated)
    with migrated.begin() as conn:
        conn.execute(text("UPDATE facet SET overridden = true WHERE id = 1"))
    after = tokens(migrated)
    assert after[0] != before[0] and after[1] != before[1]


def test_storage_migration_drops_the_facet_unique_constraint(migrated: Engine) -> None:
    assert inspect(migrated).get_unique_constraints("facet") == []
    query = ("SELECT indexdef FROM pg_indexes WHERE indexname = :name" if on_postgres()
             else "SELECT sql FROM sqlite_master WHERE name = :name")
    with migrated.connect() as conn:
        definition = conn.execute(text(query), {"name": "ix_person_merged_into_id"}).scalar_one()
    assert "merged_into_id IS NOT NULL" in definition
