"""Shared fixtures. SIGNWATCH_TEST_DATABASE_URL picks the backend: "sqlite" (default: a fresh
file per test) or a PostgreSQL URL (a database made for this run; tables emptied per test)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from app import create_app
from models import Base, generation
from models.db import make_engine, session_factory

FIXTURES = Path(__file__).parent / "fixtures"
BACKEND_URL = os.environ.get("SIGNWATCH_TEST_DATABASE_URL", "sqlite")


def on_postgres() -> bool:
    return BACKEND_URL.startswith("postgresql")


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine | None]:
    """One engine on the run's PostgreSQL database, with the schema created once."""
    if not on_postgres():
        yield None
        return
    engine = make_engine(BACKEND_URL)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def database_url(tmp_path: Path, postgres_engine: Engine | None) -> str:
    """A URL of an empty database with the current schema."""
    if postgres_engine is None:
        url = f"sqlite:///{tmp_path / 'signwatch.sqlite3'}"
        engine = make_engine(url)
        Base.metadata.create_all(engine)
        engine.dispose()
        return url
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with postgres_engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        generation.ensure_row(conn)  # a new epoch: nothing cached before counts
    return BACKEND_URL


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """An app on an empty database, private URLs allowed (tests serve on loopback)."""
    application = create_app({
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "ALLOW_PRIVATE_URLS": True,
        "MIN_HOST_DELAY": 0.0,
        "WTF_CSRF_ENABLED": True,
    })
    application.instance_path = str(tmp_path / "instance")
    yield application
    from models.db import get_engine

    get_engine(application).dispose()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A session on the app's database; the test owns its transactions."""
    with session_factory(app)() as db_session:
        yield db_session


@pytest.fixture
def client(app: Flask):
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def fixed_now() -> datetime:
    return datetime(2020, 2, 17, 19, 5, tzinfo=UTC)
