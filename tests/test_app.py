"""The app factory and its configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import ConfigError, create_app, read_environment
from models.db import get_engine


def test_read_environment_types_prefixed_variables() -> None:
    values = read_environment({
        "SIGNWATCH_ALLOW_PRIVATE_URLS": "1",
        "SIGNWATCH_MIN_HOST_DELAY": "0.5",
        "SIGNWATCH_DATABASE_URL": "sqlite:///x.db",
        "OTHER": "ignored",
    })
    assert values == {"ALLOW_PRIVATE_URLS": True, "MIN_HOST_DELAY": 0.5,
                      "DATABASE_URL": "sqlite:///x.db"}


def test_read_environment_rejects_bad_number() -> None:
    with pytest.raises(ConfigError, match="SIGNWATCH_MAX_CONCURRENT_POLLS"):
        read_environment({"SIGNWATCH_MAX_CONCURRENT_POLLS": "four"})


def test_create_app_production_without_secret_key_fails(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="SIGNWATCH_SECRET_KEY"):
        create_app({"ENV": "production", "DATABASE_URL": f"sqlite:///{tmp_path}/p.db"})


def test_create_app_development_generates_and_keeps_key(app, tmp_path: Path) -> None:
    first = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/d.db"})
    second = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/d.db"})
    assert len(first.config["SECRET_KEY"]) == 64
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]


def test_create_app_defaults_to_sqlite_under_instance(tmp_path: Path) -> None:
    application = create_app({"SECRET_KEY": "k"})
    assert application.config["DATABASE_URL"].startswith("sqlite:///")
    assert application.config["DATABASE_URL"].endswith("instance/signwatch.sqlite3")


def test_healthz_reports_database_ok(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_index_empty_state_tells_how_to_add(client) -> None:
    body = client.get("/").get_data(as_text=True)
    assert "No letter is tracked yet" in body
    assert "signwatch letters add" in body


def test_poll_settings_take_the_suspect_persistence_hours(tmp_path: Path) -> None:
    from tracker.runtime import poll_settings

    hours = read_environment({"SIGNWATCH_SUSPECT_PERSIST_HOURS": "6.5"})
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", **hours})
    assert poll_settings(app).guard.persist_hours == 6.5


def test_create_app_pools_a_connection_for_every_poll_thread() -> None:
    app = create_app({"DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:9/none",
                      "SECRET_KEY": "t", "MAX_CONCURRENT_POLLS": 16})
    assert get_engine(app).pool.size() >= 16 + 8  # the poll threads and `signwatch run`'s 8
