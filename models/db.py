"""Engine and session wiring: one engine per app, one session per request or command."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000
# Connections kept beside the poll threads' own: `signwatch run`'s 8 page threads, the alert
# job, a CLI command. Beyond pool_size a returned connection is closed, so a pool smaller
# than the threads that use it opens and closes PostgreSQL connections all day.
SPARE_CONNECTIONS = 10


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def init_app(app: Flask) -> None:
    """Create the app's engine and session factory and close sessions after each request."""
    url = app.config["DATABASE_URL"]
    sizing = {} if url.startswith("sqlite") else {
        "pool_size": int(app.config["MAX_CONCURRENT_POLLS"]) + SPARE_CONNECTIONS}
    engine = make_engine(url, **sizing)
    app.extensions["signwatch.engine"] = engine
    app.extensions["signwatch.sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def get_engine(app: Flask | None = None) -> Engine:
    return (app or current_app).extensions["signwatch.engine"]


def session_factory(app: Flask | None = None) -> sessionmaker[Session]:
    """The app's sessionmaker, for work outside a request (scheduler, workers, CLI)."""
    return (app or current_app).extensions["signwatch.sessionmaker"]


def get_session() -> Session:
    """The session of the current app context, opened on first use."""
    if "db_session" not in g:
        g.db_session = session_factory()()
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
