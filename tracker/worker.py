"""Scale-out on PostgreSQL: one procrastinate job per due letter, run by workers on any host.

``signwatch scheduler --defer`` decides what is due and defers ``signwatch.poll_letter``
jobs; ``signwatch worker`` runs them. Each job carries two locks: a queueing lock per
letter (at most one waiting poll per letter, however often the scheduler ticks) and a lock
per host (one poll at a time against one site, across every worker machine). The job calls
``Poller.poll`` and knows nothing else.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy import select, text

from models.letters import Letter

QUEUE = "signwatch-polls"
TASK_NAME = "signwatch.poll_letter"


class WorkersNeedPostgres(RuntimeError):
    """Workers and deferred polls need a PostgreSQL database."""


def conninfo(database_url: str) -> str:
    """A libpq URL from an SQLAlchemy one (postgresql+psycopg:// -> postgresql://)."""
    if not database_url.startswith("postgresql"):
        raise WorkersNeedPostgres(
            "signwatch worker and scheduler --defer need SIGNWATCH_DATABASE_URL to be "
            "PostgreSQL; on SQLite run `signwatch run` or `signwatch scheduler` (one process)"
        )
    return re.sub(r"^postgresql\+\w+://", "postgresql://", database_url)


def queue_app(app: Flask):
    """The procrastinate App of this Flask app, with the poll task registered (cached)."""
    queue = app.extensions.get("signwatch.procrastinate")
    if queue is None:
        import procrastinate

        queue = procrastinate.App(connector=procrastinate.PsycopgConnector(
            conninfo=conninfo(app.config["DATABASE_URL"])))
        _register_poll_task(queue, app)
        app.extensions["signwatch.procrastinate"] = queue
    return queue


def _register_poll_task(queue, app: Flask) -> None:
    @queue.task(name=TASK_NAME, queue=QUEUE, pass_context=False)
    def poll_letter(letter_id: int) -> str:
        from tracker.runtime import get_poller

        return get_poller(app).poll(letter_id).outcome


def ensure_queue_schema(app: Flask) -> bool:
    """Create procrastinate's tables once; True when they were created now."""
    from models.db import get_engine

    with get_engine(app).connect() as conn:
        if conn.scalar(text("SELECT to_regclass('procrastinate_jobs')")) is not None:
            return False
    queue = queue_app(app)
    with queue.open():
        queue.schema_manager.apply_schema()
    return True


def defer_poll(app: Flask, letter_id: int) -> str:
    """Queue one poll of the letter; 'deferred', or 'already queued' by its queueing lock."""
    from procrastinate.exceptions import AlreadyEnqueued

    from models.db import session_factory

    with session_factory(app)() as session:
        url = session.scalar(select(Letter.url).where(Letter.id == letter_id))
    task = queue_app(app).tasks[TASK_NAME]
    host = (urlsplit(url or "").hostname or "unknown").lower()
    try:
        task.configure(queueing_lock=f"letter:{letter_id}", lock=f"host:{host}").defer(
            letter_id=letter_id)
    except AlreadyEnqueued:
        return "already queued"
    return "deferred"


def open_for_deferring(app: Flask):
    """Open the queue's sync connection for a scheduler that defers (a context manager)."""
    return queue_app(app).open()


def run_worker(app: Flask, *, concurrency: int, wait: bool = True) -> None:
    """Run procrastinate workers for the poll queue in the foreground."""
    queue_app(app).run_worker(queues=[QUEUE], concurrency=concurrency, wait=wait,
                              install_signal_handlers=True)
