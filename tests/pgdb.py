"""Create or drop a throwaway PostgreSQL database for one test run.

    python tests/pgdb.py create   -> prints the new database's URL (exit 3: no server)
    python tests/pgdb.py drop URL
"""

from __future__ import annotations

import os
import sys
import uuid

ADMIN_URL = os.environ.get("SIGNWATCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
NO_SERVER = 3


def _connect(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True, connect_timeout=3)


def create_database() -> str:
    """Create an empty database and return its SQLAlchemy URL."""
    name = f"signwatch_test_{uuid.uuid4().hex[:12]}"
    with _connect(ADMIN_URL) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{name}"


def drop_database(url: str) -> None:
    """Drop a database made by create_database (and nothing else)."""
    name = url.rsplit("/", 1)[1]
    if not name.startswith("signwatch_test_"):
        raise ValueError(f"refusing to drop {name!r}: not a test database")
    with _connect(ADMIN_URL) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def create() -> int:
    try:
        print(create_database())
    except Exception as exc:  # any failure here means "no usable server"
        print(f"no PostgreSQL at {ADMIN_URL}: {exc}".splitlines()[0], file=sys.stderr)
        return NO_SERVER
    return 0


def drop(url: str) -> int:
    drop_database(url)
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["create"]:
        sys.exit(create())
    if sys.argv[1:2] == ["drop"] and len(sys.argv) == 3:
        sys.exit(drop(sys.argv[2]))
    sys.exit(__doc__)
