"""Migration 0010_overlap_index keys the people stored before it (#18)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from models.db import make_engine
from models.migrate import downgrade, upgrade
from tests.conftest import on_postgres


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    if on_postgres():
        pytest.skip("the backfill is dialect-neutral; one run on SQLite is enough")
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    yield engine
    engine.dispose()


def test_overlap_migration_keys_existing_people(sqlite_engine: Engine) -> None:
    upgrade(sqlite_engine, "0006")
    with sqlite_engine.begin() as conn:
        for n, name in enumerate(["DOE, Jane", "Jane Q. Doe", "<b>Solo</b>"], start=1):
            conn.execute(text("INSERT INTO person (id, name_key, display_name, created_at) "
                              "VALUES (:id, 'k', :name, '2020-02-17 00:00:00')"),
                         {"id": n, "name": name})
    upgrade(sqlite_engine, "head")
    with sqlite_engine.connect() as conn:
        rows = conn.execute(text("SELECT match_key, middle_initials FROM person ORDER BY id"))
        assert [tuple(r) for r in rows] == [("jane doe", ""), ("jane doe", "q"), ("solo", "")]
    downgrade(sqlite_engine, "0006")
    upgrade(sqlite_engine, "head")
