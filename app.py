"""Signwatch's application factory and the ``signwatch`` command line.

``create_app(config)`` builds a configured app; nothing happens at import time. Flask's own CLI
finds ``create_app`` here (``flask --app app ...``), and the ``signwatch`` console script is
the same FlaskGroup; its commands live in the ``cli`` package.
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask.cli import FlaskGroup

ENV_PREFIX = "SIGNWATCH_"
DEFAULTS: dict[str, Any] = {
    "ENV": "development",
    "DATABASE_URL": None,
    "SECRET_KEY": None,
    "USER_AGENT": "Signwatch/0.1 (+https://github.com/signwatch/signwatch)",
    "ALLOW_PRIVATE_URLS": False,
    "MIN_HOST_DELAY": 2.0,
    "SCHEDULER_TICK_SECONDS": 30,
    "MAX_CONCURRENT_POLLS": 16,
    "PARSE_PROCESSES": 2,
    "MAX_RENDERS": 1,
    "RENDER_TIMEOUT_S": 15.0,
    "CHROMIUM_PATH": "/usr/bin/chromium",
    "POLL_LOG_KEEP": 500,
    "SUSPECT_DROP_SHARE": 0.2,
    "SUSPECT_CONFIRMATIONS": 3,
    "SUSPECT_PERSIST_HOURS": 24.0,
    "RATELIMIT_STORAGE_URI": "memory://",
    "ROLE_RULES_PATH": None,
    "SECURE_COOKIES": None,
}
BOOLEAN_KEYS = {"ALLOW_PRIVATE_URLS", "SECURE_COOKIES"}
FLOAT_KEYS = {"MIN_HOST_DELAY", "SUSPECT_DROP_SHARE", "SUSPECT_PERSIST_HOURS",
              "RENDER_TIMEOUT_S"}
INT_KEYS = {"SCHEDULER_TICK_SECONDS", "MAX_CONCURRENT_POLLS", "PARSE_PROCESSES", "POLL_LOG_KEEP",
            "SUSPECT_CONFIRMATIONS", "MAX_RENDERS"}


class ConfigError(RuntimeError):
    """The configuration cannot run: the message says which variable to set."""


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app from SIGNWATCH_* environment variables, or from ``config`` in tests."""
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    settings = dict(DEFAULTS)
    settings.update(config if config is not None else read_environment(os.environ))
    app.config.update(settings)
    app.config["DATABASE_URL"] = settings["DATABASE_URL"] or default_database_url(app)
    app.config["SECRET_KEY"] = settings["SECRET_KEY"] or development_secret_key(app)
    _init_subsystems(app)
    return app


def read_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """SIGNWATCH_* variables as typed config values; a malformed one is a ConfigError."""
    values: dict[str, Any] = {}
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX):
            continue
        key = name.removeprefix(ENV_PREFIX)
        values[key] = _coerce(key, raw)
    return values


def _coerce(key: str, raw: str) -> Any:
    try:
        if key in BOOLEAN_KEYS:
            return raw.strip().lower() in {"1", "true", "yes", "on"}
        if key in FLOAT_KEYS:
            return float(raw)
        if key in INT_KEYS:
            return int(raw)
    except ValueError:
        raise ConfigError(f"{ENV_PREFIX}{key}={raw!r} is not a valid number") from None
    return raw


def default_database_url(app: Flask) -> str:
    return "sqlite:///" + str(Path(app.instance_path) / "signwatch.sqlite3")


def development_secret_key(app: Flask) -> str:
    """Production refuses to start without a key; development keeps a generated one."""
    if app.config["ENV"] == "production":
        raise ConfigError(
            "SIGNWATCH_SECRET_KEY is not set: production needs a fixed secret key "
            '(generate one with: python -c "import secrets; print(secrets.token_hex(32))")'
        )
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
        print(f"signwatch: development mode, generated a secret key in {key_file}",
              file=sys.stderr)
    return key_file.read_text().strip()


def _init_subsystems(app: Flask) -> None:
    from cli import init_app as init_cli
    from models import db
    from web import init_app as init_web

    db.init_app(app)
    init_cli(app)
    init_web(app)


@click.group(cls=FlaskGroup, create_app=create_app, add_default_commands=False,
             add_version_option=False)
def cli() -> None:
    """Signwatch: track open letters and petitions (who signs, how many, how fast)."""
